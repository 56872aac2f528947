export { TIERS, TIER_LIMITS, UPGRADE_URL, limitsFor, type Tier, type TierLimits, type QueuePriority } from './tier-limits';
export { STORAGE_DEFAULTS, storageConfig, storageEnv, storageSettings, type StorageLimits, type StorageSettings } from './storage-limits';
export { accountStorageUsage, heldBytes, type StorageUsage } from './account-storage-usage';
export { STORAGE_QUOTAS, exceededQuota, storageStanding, type QuotaStanding, type StorageQuota, type StorageStanding } from './storage-standing';

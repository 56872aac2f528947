export { TIERS, TIER_LIMITS, UPGRADE_URL, limitsFor, type Tier, type TierLimits, type QueuePriority } from './tier-limits';
export { STORAGE_DEFAULTS, type StorageLimits, type StorageSettings } from './storage-limits';
export { storageConfig, storageEnv, storageSettings } from './storage-env';
export { accountStorageUsage, heldBytes, type StorageUsage } from './account-storage-usage';
export { STORAGE_QUOTAS, exceededQuota, storageStanding, type QuotaStanding, type StorageQuota, type StorageStanding } from './storage-standing';
export { FORM_OVERHEAD_BYTES, PART_OVERHEAD_BYTES, largestUploadRequestBytes, maxUploadRequestBytes } from './upload-request-size';

import type { StorageUsage } from './account-storage-usage';
import type { StorageLimits } from './storage-limits';

/** The three storage quotas, named as in a 429's `details.quota`. */
export type StorageQuota = 'stored' | 'files' | 'bytes';
export const STORAGE_QUOTAS: readonly StorageQuota[] = ['stored', 'files', 'bytes'];

export interface QuotaStanding {
  limit: number;
  used: number;
  /** What the next uploads may still take (never below 0). */
  remaining: number;
}

export type StorageStanding = Record<StorageQuota, QuotaStanding>;

const standing = (limit: number, used: number): QuotaStanding => ({ limit, used, remaining: Math.max(0, limit - used) });

/** Each quota's limit, usage and what remains: what GET /user/limits shows. */
export function storageStanding(limits: StorageLimits, usage: StorageUsage): StorageStanding {
  return {
    stored: standing(limits.storedBytes, usage.storedBytes),
    files: standing(limits.windowFiles, usage.windowFiles),
    bytes: standing(limits.windowBytes, usage.windowBytes),
  };
}

/**
 * The quota one more file of up to `bytes` would pass, if any (the rule the upload service
 * enforces): it fits while it takes no more than what each quota has remaining.
 */
export function exceededQuota(limits: StorageLimits, usage: StorageUsage, bytes: number): StorageQuota | undefined {
  const now = storageStanding(limits, usage);
  const takes: Record<StorageQuota, number> = { stored: bytes, files: 1, bytes };
  return STORAGE_QUOTAS.find((quota) => takes[quota] > now[quota].remaining);
}

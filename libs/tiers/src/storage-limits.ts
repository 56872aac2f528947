import type { Tier } from './tier-limits';

/** What one account of a tier may keep in storage (beside TIER_LIMITS: per file and per request). */
export interface StorageLimits {
  /** Bytes held at once: stored files not yet expired, plus uploads streaming now. */
  storedBytes: number;
  /** Files uploaded per rolling window. */
  windowFiles: number;
  /** Bytes uploaded per rolling window. */
  windowBytes: number;
  /** How long an upload of this tier is kept before the worker's sweep deletes it. */
  retentionMs: number;
}

export interface StorageSettings {
  /** The rolling window of `windowFiles` / `windowBytes`. */
  windowMs: number;
  tiers: Readonly<Record<Tier, Readonly<StorageLimits>>>;
}

export const HOUR_MS = 3_600_000;
const GB = 1024 * 1024 * 1024;

/** The product's numbers; every one can be changed by its TIER_* variable. */
export const STORAGE_DEFAULTS: StorageSettings = {
  windowMs: 24 * HOUR_MS,
  tiers: {
    FREE: { storedBytes: 1 * GB, windowFiles: 200, windowBytes: 3 * GB, retentionMs: 24 * HOUR_MS },
    PREMIUM: { storedBytes: 50 * GB, windowFiles: 2000, windowBytes: 100 * GB, retentionMs: 30 * 24 * HOUR_MS },
  },
};

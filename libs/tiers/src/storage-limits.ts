import { z } from 'zod';
import { configPiece, positiveInt, type ParsedEnv } from '@tp/config';
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

const HOUR_MS = 3_600_000;
const GB = 1024 * 1024 * 1024;

/** The product's numbers; every one can be changed by its TIER_* variable. */
export const STORAGE_DEFAULTS: StorageSettings = {
  windowMs: 24 * HOUR_MS,
  tiers: {
    FREE: { storedBytes: 1 * GB, windowFiles: 200, windowBytes: 3 * GB, retentionMs: 24 * HOUR_MS },
    PREMIUM: { storedBytes: 50 * GB, windowFiles: 2000, windowBytes: 100 * GB, retentionMs: 30 * 24 * HOUR_MS },
  },
};

// Hours may be fractions (tests use seconds-long retentions).
const positiveHours = (fallback: number) => z.coerce.number().positive().default(fallback);
const hours = (ms: number) => ms / HOUR_MS;
const { FREE, PREMIUM } = STORAGE_DEFAULTS.tiers;

/** Env of every service that enforces (upload) or shows (user) the storage limits: they must agree. */
export const storageEnv = {
  TIER_QUOTA_WINDOW_HOURS: positiveHours(hours(STORAGE_DEFAULTS.windowMs)),
  TIER_FREE_STORED_BYTES: positiveInt(FREE.storedBytes),
  TIER_FREE_WINDOW_FILES: positiveInt(FREE.windowFiles),
  TIER_FREE_WINDOW_BYTES: positiveInt(FREE.windowBytes),
  TIER_FREE_RETENTION_HOURS: positiveHours(hours(FREE.retentionMs)),
  TIER_PREMIUM_STORED_BYTES: positiveInt(PREMIUM.storedBytes),
  TIER_PREMIUM_WINDOW_FILES: positiveInt(PREMIUM.windowFiles),
  TIER_PREMIUM_WINDOW_BYTES: positiveInt(PREMIUM.windowBytes),
  TIER_PREMIUM_RETENTION_HOURS: positiveHours(hours(PREMIUM.retentionMs)),
};

export function storageSettings(env: ParsedEnv<typeof storageEnv>): StorageSettings {
  return {
    windowMs: Math.round(env.TIER_QUOTA_WINDOW_HOURS * HOUR_MS),
    tiers: {
      FREE: {
        storedBytes: env.TIER_FREE_STORED_BYTES,
        windowFiles: env.TIER_FREE_WINDOW_FILES,
        windowBytes: env.TIER_FREE_WINDOW_BYTES,
        retentionMs: Math.round(env.TIER_FREE_RETENTION_HOURS * HOUR_MS),
      },
      PREMIUM: {
        storedBytes: env.TIER_PREMIUM_STORED_BYTES,
        windowFiles: env.TIER_PREMIUM_WINDOW_FILES,
        windowBytes: env.TIER_PREMIUM_WINDOW_BYTES,
        retentionMs: Math.round(env.TIER_PREMIUM_RETENTION_HOURS * HOUR_MS),
      },
    },
  };
}

/** The config piece `storage` of the user and upload services. */
export const storageConfig = configPiece(storageEnv, storageSettings);

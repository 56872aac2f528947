import { z } from 'zod';
import { configPiece, positiveInt, type ParsedEnv } from '@tp/config';
import { HOUR_MS, STORAGE_DEFAULTS, type StorageSettings } from './storage-limits';

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

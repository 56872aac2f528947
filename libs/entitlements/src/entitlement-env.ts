import { z } from 'zod';
import { configPiece, positiveInt } from '@tp/config';

/** Env pieces for every service that decides by tier (readers) or changes subscriptions (billing). */
export const entitlementEnv = {
  /** Redis pub/sub channel billing announces a changed subscription on (payload: our users.id). */
  ENTITLEMENTS_CHANNEL: z.string().min(1).default('entitlements:changed'),
  /** Safety net when a change message is lost: a cached account is re-read after this long. */
  ENTITLEMENTS_CACHE_TTL_MS: positiveInt(5000),
};

export interface EntitlementSettings {
  channel: string;
  cacheTtlMs: number;
}

export function entitlementSettings(env: { ENTITLEMENTS_CHANNEL: string; ENTITLEMENTS_CACHE_TTL_MS: number }): EntitlementSettings {
  return { channel: env.ENTITLEMENTS_CHANNEL, cacheTtlMs: env.ENTITLEMENTS_CACHE_TTL_MS };
}

/** The config piece of every service that reads or announces entitlements: `entitlements` in its config. */
export const entitlementConfig = configPiece(entitlementEnv, entitlementSettings);

import { z } from 'zod';
import { ConfigError, configPiece, positiveInt, runtimeEnv } from '@tp/config';
import type { PremiumPriceIds } from './entitlement-rule';

/** The price `npm run paddle:send` sends (apps/billing/tests/fixtures): the development default, so the dev loop grants PREMIUM. */
export const DEV_PREMIUM_PRICE_ID = 'pri_01gsz8x8sawmvhz1pv30nge1ke';

const PRICE_ID = /^pri_[a-z0-9]+$/;

/** Env pieces for every service that decides by tier (readers) or changes subscriptions (billing). */
export const entitlementEnv = {
  NODE_ENV: runtimeEnv.NODE_ENV,
  /** Redis pub/sub channel billing announces a changed subscription on (payload: our users.id). */
  ENTITLEMENTS_CHANNEL: z.string().min(1).default('entitlements:changed'),
  /** Safety net when a change message is lost: a cached account is re-read after this long. */
  ENTITLEMENTS_CACHE_TTL_MS: positiveInt(5000),
  /**
   * Comma-separated Paddle price ids that buy PREMIUM. Unset: DEV_PREMIUM_PRICE_ID under
   * development, none under test; production refuses to start without one.
   */
  PADDLE_PREMIUM_PRICE_IDS: z
    .string()
    .optional()
    .transform((value) => value?.split(',').map((item) => item.trim()).filter(Boolean))
    .refine((ids) => !ids || ids.every((id) => PRICE_ID.test(id)), { message: 'every item must be a Paddle price id (pri_…)' }),
};

export interface EntitlementSettings {
  channel: string;
  cacheTtlMs: number;
  premiumPriceIds: PremiumPriceIds;
}

export function entitlementSettings(env: {
  NODE_ENV: 'development' | 'test' | 'production';
  ENTITLEMENTS_CHANNEL: string;
  ENTITLEMENTS_CACHE_TTL_MS: number;
  PADDLE_PREMIUM_PRICE_IDS?: string[] | undefined;
}): EntitlementSettings {
  const premiumPriceIds = env.PADDLE_PREMIUM_PRICE_IDS ?? (env.NODE_ENV === 'development' ? [DEV_PREMIUM_PRICE_ID] : []);
  // Without a mapping no purchase could ever grant PREMIUM: a deployment must say which prices do.
  if (env.NODE_ENV === 'production' && premiumPriceIds.length === 0) {
    throw new ConfigError(
      'Invalid configuration: PADDLE_PREMIUM_PRICE_IDS is missing: list the Paddle price ids that buy PREMIUM (comma-separated); an empty list is refused in production',
    );
  }
  return { channel: env.ENTITLEMENTS_CHANNEL, cacheTtlMs: env.ENTITLEMENTS_CACHE_TTL_MS, premiumPriceIds };
}

/** The config piece of every service that reads or announces entitlements: `entitlements` in its config. */
export const entitlementConfig = configPiece(entitlementEnv, entitlementSettings);

import { z } from 'zod';
import { booleanFlag, configPiece, positiveInt } from '@tp/config';
import type { KillSwitches } from './flag-types';

/** Env pieces for any service that evaluates flags through FeatureFlagClient. */
export const featureFlagEnv = {
  /**
   * The kill switches, one per ENV_FLAG_KEYS key. `false` turns a feature off everywhere and
   * wins over any database flag; `true` leaves the decision to the database flag of that name.
   */
  FEATURE_ADS_ENABLED: booleanFlag(true),
  FEATURE_PAYMENTS_ENABLED: booleanFlag(true),
  FEATURE_PREMIUM_TOOLS_ENABLED: booleanFlag(true),
  FEATURE_REGISTRATION_ENABLED: booleanFlag(true),
  /** Redis pub/sub channel the flags service announces changes on. */
  FEATURE_FLAGS_CHANNEL: z.string().min(1).default('feature-flags:changed'),
  /** Upper bound on staleness when a change message is missed (Redis down). */
  FEATURE_FLAGS_CACHE_TTL_MS: positiveInt(5000),
};

export interface FeatureFlagSettings {
  channel: string;
  cacheTtlMs: number;
  killSwitches: KillSwitches;
}

export function featureFlagSettings(env: {
  FEATURE_ADS_ENABLED: boolean;
  FEATURE_PAYMENTS_ENABLED: boolean;
  FEATURE_PREMIUM_TOOLS_ENABLED: boolean;
  FEATURE_REGISTRATION_ENABLED: boolean;
  FEATURE_FLAGS_CHANNEL: string;
  FEATURE_FLAGS_CACHE_TTL_MS: number;
}): FeatureFlagSettings {
  return {
    channel: env.FEATURE_FLAGS_CHANNEL,
    cacheTtlMs: env.FEATURE_FLAGS_CACHE_TTL_MS,
    killSwitches: {
      ads: env.FEATURE_ADS_ENABLED,
      payments: env.FEATURE_PAYMENTS_ENABLED,
      'premium-tools': env.FEATURE_PREMIUM_TOOLS_ENABLED,
      registration: env.FEATURE_REGISTRATION_ENABLED,
    },
  };
}

/** The config piece every service that evaluates flags takes: `flags` in its config. */
export const featureFlagConfig = configPiece(featureFlagEnv, featureFlagSettings);

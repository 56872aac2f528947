import { z } from 'zod';
import { positiveInt } from '@tp/config';

/** Env pieces for any service that evaluates flags through FeatureFlagClient. */
export const featureFlagEnv = {
  /** Redis pub/sub channel the flags service announces changes on. */
  FEATURE_FLAGS_CHANNEL: z.string().min(1).default('feature-flags:changed'),
  /** Upper bound on staleness when a change message is missed (Redis down). */
  FEATURE_FLAGS_CACHE_TTL_MS: positiveInt(5000),
};

export interface FeatureFlagSettings {
  channel: string;
  cacheTtlMs: number;
}

export function featureFlagSettings(env: { FEATURE_FLAGS_CHANNEL: string; FEATURE_FLAGS_CACHE_TTL_MS: number }): FeatureFlagSettings {
  return { channel: env.FEATURE_FLAGS_CHANNEL, cacheTtlMs: env.FEATURE_FLAGS_CACHE_TTL_MS };
}

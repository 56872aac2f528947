import type { Tier } from '@tp/tiers';

/** OpenFeature's resolution reasons (https://openfeature.dev/specification/types#resolution-reason). */
export type FlagReason = 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DISABLED' | 'DEFAULT';

/** A database flag as the evaluator needs it (a feature_flags row without bookkeeping). */
export interface FlagDefinition {
  key: string;
  description: string;
  enabled: boolean;
  rolloutPercentage: number;
  tiers: readonly Tier[];
  allowUserIds: readonly string[];
  denyUserIds: readonly string[];
}

/** Who a flag is evaluated for. Anonymous callers have no userId and no tier. */
export interface EvaluationContext {
  userId?: string;
  tier?: Tier;
  /** A stable id chosen by an anonymous client; used only for percentage rollout. */
  anonymousId?: string;
}

export interface FlagEvaluation {
  key: string;
  enabled: boolean;
  reason: FlagReason;
}

/** The flag keys backed by an environment kill switch (FEATURE_*_ENABLED). */
export const ENV_FLAG_KEYS = ['ads', 'payments', 'premium-tools', 'registration'] as const;
export type EnvFlagKey = (typeof ENV_FLAG_KEYS)[number];

/** Kill switch per env-backed key: false = off everywhere. */
export type KillSwitches = Readonly<Record<EnvFlagKey, boolean>>;

export const FLAG_KEY_PATTERN = /^[a-z][a-z0-9-]{1,63}$/;

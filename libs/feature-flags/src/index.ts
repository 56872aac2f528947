export { murmur3 } from './murmur3';
export { evaluateFlag, evaluateAll, rolloutBucket } from './evaluate-flag';
export {
  ENV_FLAG_KEYS,
  FLAG_KEY_PATTERN,
  type EnvFlagKey,
  type EvaluationContext,
  type FlagDefinition,
  type FlagEvaluation,
  type FlagReason,
  type KillSwitches,
} from './flag-types';
export { FeatureFlagClient, publishFlagChange, type FeatureFlagClientOptions, type FlagSnapshot } from './feature-flag-client';
export { loadFlagDefinitions, toFlagDefinition } from './load-flag-definitions';
export { createFlagSubscriber } from './create-flag-subscriber';
export { requireFlag, contextFromRequest, type RequireFlagOptions, type TierOf } from './require-flag';
export { featureFlagConfig, featureFlagEnv, featureFlagSettings, type FeatureFlagSettings } from './flag-env';
export {
  connectFeatureFlags,
  startFeatureFlags,
  type ConnectFeatureFlagsOptions,
  type FlagConnection,
  type FlagParts,
  type FlagSource,
} from './connect-feature-flags';

import { z } from 'zod';
import {
  databaseEnv,
  featureToggleEnv,
  featureToggles,
  keycloakEnv,
  keycloakSettings,
  loadConfig,
  metricsPort,
  metricsPortSetting,
  port,
  redisEnv,
  runtimeEnv,
  runtimeSettings,
  type Env,
} from '@tp/config';
import { entitlementEnv, entitlementSettings } from '@tp/entitlements';
import { featureFlagEnv, featureFlagSettings } from '@tp/feature-flags';

const userEnvSchema = z.object({
  ...runtimeEnv,
  ...databaseEnv,
  ...keycloakEnv,
  ...featureToggleEnv,
  ...redisEnv,
  ...featureFlagEnv,
  ...entitlementEnv,
  USER_PORT: port(4001),
  USER_METRICS_PORT: metricsPort,
});

export type UserConfig = ReturnType<typeof loadUserConfig>;

export function loadUserConfig(env?: Env) {
  const parsed = loadConfig(userEnvSchema, env);
  return {
    ...runtimeSettings(parsed),
    port: parsed.USER_PORT,
    metricsPort: metricsPortSetting(parsed.USER_METRICS_PORT, parsed.NODE_ENV, 9401),
    databaseUrl: parsed.DATABASE_URL,
    databasePoolMax: parsed.DATABASE_POOL_MAX,
    auth: keycloakSettings(parsed),
    features: featureToggles(parsed),
    redisUrl: parsed.REDIS_URL,
    flags: featureFlagSettings(parsed),
    entitlements: entitlementSettings(parsed),
  };
}

import { z } from 'zod';
import {
  databaseEnv,
  databaseSettings,
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
    database: databaseSettings(parsed),
    auth: keycloakSettings(parsed),
    redisUrl: parsed.REDIS_URL,
    flags: featureFlagSettings(parsed),
    entitlements: entitlementSettings(parsed),
  };
}

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

const flagsEnvSchema = z.object({
  ...runtimeEnv,
  ...databaseEnv,
  ...redisEnv,
  ...keycloakEnv,
  ...featureFlagEnv,
  ...entitlementEnv,
  FLAGS_PORT: port(4004),
  FLAGS_METRICS_PORT: metricsPort,
});

export type FlagsConfig = ReturnType<typeof loadFlagsConfig>;

export function loadFlagsConfig(env?: Env) {
  const parsed = loadConfig(flagsEnvSchema, env);
  return {
    ...runtimeSettings(parsed),
    port: parsed.FLAGS_PORT,
    metricsPort: metricsPortSetting(parsed.FLAGS_METRICS_PORT, parsed.NODE_ENV, 9404),
    database: databaseSettings(parsed),
    redisUrl: parsed.REDIS_URL,
    auth: keycloakSettings(parsed),
    flags: featureFlagSettings(parsed),
    entitlements: entitlementSettings(parsed),
  };
}

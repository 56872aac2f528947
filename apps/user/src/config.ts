import { z } from 'zod';
import {
  databaseEnv,
  featureToggleEnv,
  featureToggles,
  keycloakEnv,
  keycloakSettings,
  loadConfig,
  port,
  runtimeEnv,
  type Env,
} from '@tp/config';

const userEnvSchema = z.object({
  ...runtimeEnv,
  ...databaseEnv,
  ...keycloakEnv,
  ...featureToggleEnv,
  USER_PORT: port(4001),
});

export type UserConfig = ReturnType<typeof loadUserConfig>;

export function loadUserConfig(env?: Env) {
  const parsed = loadConfig(userEnvSchema, env);
  return {
    env: parsed.NODE_ENV,
    port: parsed.USER_PORT,
    logLevel: parsed.LOG_LEVEL,
    logPretty: parsed.LOG_PRETTY,
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
    databaseUrl: parsed.DATABASE_URL,
    databasePoolMax: parsed.DATABASE_POOL_MAX,
    auth: keycloakSettings(parsed),
    features: featureToggles(parsed),
  };
}

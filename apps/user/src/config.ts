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
  runtimeSettings,
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
    ...runtimeSettings(parsed),
    port: parsed.USER_PORT,
    databaseUrl: parsed.DATABASE_URL,
    databasePoolMax: parsed.DATABASE_POOL_MAX,
    auth: keycloakSettings(parsed),
    features: featureToggles(parsed),
  };
}

import { z } from 'zod';
import { databaseEnv, keycloakEnv, loadConfig, redisEnv } from '@tp/config';

const stackEnvSchema = z.object({
  ...databaseEnv,
  ...redisEnv,
  ...keycloakEnv,
  /** auto: start the dev identity provider when KEYCLOAK_URL is local and nothing answers there. */
  DEV_IDENTITY_PROVIDER: z.enum(['auto', 'true', 'false']).default('auto'),
  DEV_IDP_CLIENT_ID: z.string().default('api-gateway'),
  DEV_IDP_CLIENT_SECRET: z.string().default('api-gateway-dev-secret'),
  DEV_IDP_PASSWORD: z.string().default('password'),
});

export type StackConfig = z.infer<typeof stackEnvSchema>;

export const loadStackConfig = () => loadConfig(stackEnvSchema);

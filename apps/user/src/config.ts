import { databaseConfig, keycloakConfig, loadServiceConfig, redisConfig, servicePorts, type Env } from '@tp/config';
import { entitlementConfig } from '@tp/entitlements';
import { featureFlagConfig } from '@tp/feature-flags';

export type UserConfig = ReturnType<typeof loadUserConfig>;

/** Only shared pieces: profile and limits read accounts (entitlements) and the `ads`/`registration` flags. */
export function loadUserConfig(env?: Env) {
  const pieces = { database: databaseConfig, auth: keycloakConfig, redisUrl: redisConfig, flags: featureFlagConfig, entitlements: entitlementConfig };
  return loadServiceConfig({ ports: servicePorts({ USER_PORT: 4001 }, { USER_METRICS_PORT: 9401 }), pieces }, env);
}

import { databaseConfig, keycloakConfig, loadServiceConfig, redisConfig, servicePorts, type Env } from '@tp/config';
import { entitlementConfig } from '@tp/entitlements';
import { featureFlagConfig } from '@tp/feature-flags';
import { storageConfig } from '@tp/tiers';

export type UserConfig = ReturnType<typeof loadUserConfig>;

/** Only shared pieces: profile and limits read accounts (entitlements), the `ads`/`registration` flags and the storage limits. */
export function loadUserConfig(env?: Env) {
  const pieces = { database: databaseConfig, auth: keycloakConfig, redisUrl: redisConfig, flags: featureFlagConfig, entitlements: entitlementConfig, storage: storageConfig };
  return loadServiceConfig({ ports: servicePorts({ USER_PORT: 4001 }, { USER_METRICS_PORT: 9401 }), pieces }, env);
}

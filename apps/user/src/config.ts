import { databaseConfig, keycloakConfig, loadServiceConfig, redisConfig, servicePorts, serviceSpec, type Env } from '@tp/config';
import { entitlementConfig } from '@tp/entitlements';
import { featureFlagConfig } from '@tp/feature-flags';
import { storageConfig } from '@tp/tiers';

export type UserConfig = ReturnType<typeof loadUserConfig>;

/** Only shared pieces: profile and limits read accounts (entitlements), the `ads`/`registration` flags and the storage limits. */
export function loadUserConfig(env?: Env) {
  const pieces = { database: databaseConfig, auth: keycloakConfig, redisUrl: redisConfig, flags: featureFlagConfig, entitlements: entitlementConfig, storage: storageConfig };
  return loadServiceConfig({ ports: servicePorts(serviceSpec('user')), pieces }, env);
}

import { databaseConfig, keycloakConfig, loadServiceConfig, redisConfig, servicePorts, serviceSpec, type Env } from '@tp/config';
import { entitlementConfig } from '@tp/entitlements';
import { featureFlagConfig } from '@tp/feature-flags';

export type FlagsConfig = ReturnType<typeof loadFlagsConfig>;

/** Only shared pieces: the admin API publishes changes on Redis and evaluates by tier (entitlements). */
export function loadFlagsConfig(env?: Env) {
  const pieces = { database: databaseConfig, redisUrl: redisConfig, auth: keycloakConfig, flags: featureFlagConfig, entitlements: entitlementConfig };
  return loadServiceConfig({ ports: servicePorts(serviceSpec('flags')), pieces }, env);
}

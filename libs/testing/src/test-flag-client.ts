import type { FeatureToggles } from '@tp/config';
import type { Db } from '@tp/db';
import { FeatureFlagClient, killSwitchesFrom, loadFlagDefinitions } from '@tp/feature-flags';

/**
 * The flag client an in-process test app gets: the real client over the test database with the
 * config's kill switches, TTL only (no Redis subscriber): call `invalidate()` after writing a flag.
 */
export function testFlagClient(db: Db, config: { features: FeatureToggles; flags: { cacheTtlMs: number } }): FeatureFlagClient {
  return new FeatureFlagClient({
    load: () => loadFlagDefinitions(db),
    killSwitches: killSwitchesFrom(config.features),
    ttlMs: config.flags.cacheTtlMs,
  });
}

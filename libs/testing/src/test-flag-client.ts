import type { Db } from '@tp/db';
import { FeatureFlagClient, loadFlagDefinitions, type FeatureFlagSettings } from '@tp/feature-flags';

/**
 * The flag client an in-process test app gets: the real client over the test database with the
 * config's kill switches, TTL only (no Redis subscriber): call `invalidate()` after writing a flag.
 */
export function testFlagClient(db: Db, config: { flags: FeatureFlagSettings }): FeatureFlagClient {
  return new FeatureFlagClient({
    load: () => loadFlagDefinitions(db),
    killSwitches: config.flags.killSwitches,
    ttlMs: config.flags.cacheTtlMs,
  });
}

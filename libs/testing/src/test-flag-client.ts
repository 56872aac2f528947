import type { Db } from '@tp/db';
import { FeatureFlagClient, loadFlagDefinitions, type FeatureFlagSettings, type FlagSource } from '@tp/feature-flags';

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

export interface TestFlags {
  /** For the service's wiring: a testFlagClient over the service's own database, or the one testFlags was given. */
  source: FlagSource;
  /** The client the service got (once it started). */
  readonly client: FeatureFlagClient;
}

/**
 * Flags for a service started by a test: read by TTL only, so a test writes a flag and calls
 * `client.invalidate()`; read over `db` when given (a pool the test keeps up while the app's is cut).
 */
export function testFlags(db?: Db): TestFlags {
  let client: FeatureFlagClient | undefined;
  return {
    source: (parts, serviceDb) => ({ client: (client = testFlagClient(db ?? serviceDb, parts.config)) }),
    get client() {
      if (!client) throw new Error('the service has not started yet');
      return client;
    },
  };
}

import { createVerifier } from '@tp/auth';
import { startDatabase } from '@tp/db';
import { startEntitlementCache } from '@tp/entitlements';
import { startFeatureFlags } from '@tp/feature-flags';
import type { RunServiceOptions } from '@tp/http';
import { jwksMetrics } from '@tp/metrics';
import { createRedisConnection } from '@tp/redis';
import { createApp } from './app';
import { loadFlagsConfig, type FlagsConfig } from './config';

/** The flags service as a process: main.ts runs it (runService); its tests run main.ts itself. */
export const flagsService: RunServiceOptions<FlagsConfig> = {
  name: 'flags',
  loadConfig: loadFlagsConfig,
  createApp: async (parts) => {
    const { config, logger, metrics, onClose } = parts;
    const database = startDatabase(parts);
    const verifier = createVerifier(config.auth, jwksMetrics(metrics.registry));
    // Fail fast: a change message lost during an outage only delays readers until their cache TTL.
    const publisher = createRedisConnection(config.redisUrl, logger, { name: 'Flags publisher', mode: 'fail-fast' });
    onClose(() => publisher.quit());
    const { client: flags } = await startFeatureFlags(parts, database.db);
    const entitlements = startEntitlementCache(parts);
    return createApp({ config, database, verifier, flags, publisher, logger, metrics, entitlements });
  },
};

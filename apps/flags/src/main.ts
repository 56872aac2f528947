import { TokenVerifier } from '@tp/auth';
import { loadConfigOrExit } from '@tp/config';
import { createDatabase } from '@tp/db';
import { connectEntitlementCache } from '@tp/entitlements';
import { connectFeatureFlags } from '@tp/feature-flags';
import { startServer } from '@tp/http';
import { createLogger } from '@tp/logging';
import { jwksMetrics, createServiceMetrics } from '@tp/metrics';
import { createRedisConnection } from '@tp/redis';
import { createApp } from './app';
import { loadFlagsConfig } from './config';

const config = loadConfigOrExit(() => loadFlagsConfig());
const logger = createLogger({ service: 'flags', level: config.logLevel, pretty: config.logPretty });
const database = createDatabase(config.database);
const metrics = createServiceMetrics('flags');
const verifier = new TokenVerifier({ ...config.auth, ...jwksMetrics(metrics.registry) });
// Fail fast: a change message lost during an outage only delays readers until their cache TTL.
const publisher = createRedisConnection(config.redisUrl, logger, { name: 'Flags publisher', mode: 'fail-fast' });
const { client: flags } = connectFeatureFlags({ db: database.db, redisUrl: config.redisUrl, settings: config.flags, logger });

const entitlements = connectEntitlementCache({ redisUrl: config.redisUrl, settings: config.entitlements, logger });

async function main() {
  await flags.start();
  // Not awaited: until subscribed (Redis slow or down) signed-in reads query the account.
  void entitlements.start();
  await startServer(createApp({ config, database, verifier, flags, publisher, logger, metrics, entitlements }), {
    port: config.port,
    metrics: { registry: metrics.registry, port: config.metricsPort },
    logger,
    closers: [database.close, () => flags.close(), () => entitlements.close(), () => publisher.quit().then(() => undefined)],
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    handleSignals: true,
  });
}

void main();

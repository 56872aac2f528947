import { TokenVerifier } from '@tp/auth';
import { loadConfigOrExit } from '@tp/config';
import { createDatabase } from '@tp/db';
import { connectEntitlementCache } from '@tp/entitlements';
import { connectFeatureFlags } from '@tp/feature-flags';
import { startServer } from '@tp/http';
import { createLogger } from '@tp/logging';
import { jwksMetrics, createServiceMetrics } from '@tp/metrics';
import { createApp } from './app';
import { loadUserConfig } from './config';

const config = loadConfigOrExit(() => loadUserConfig());
const logger = createLogger({ service: 'user', level: config.logLevel, pretty: config.logPretty });
const database = createDatabase(config.database);
const metrics = createServiceMetrics('user');
const verifier = new TokenVerifier({ ...config.auth, ...jwksMetrics(metrics.registry) });
const { client: flags, subscriber } = connectFeatureFlags({
  db: database.db,
  redisUrl: config.redisUrl,
  settings: config.flags,
  logger,
});

const entitlements = connectEntitlementCache({ redisUrl: config.redisUrl, settings: config.entitlements, logger });

async function main() {
  // Resolves once subscribed, or at once (with a warning) if Redis is down: the TTL still bounds staleness.
  await flags.start();
  // Not awaited: until subscribed (Redis slow or down) every request reads its account from the database.
  void entitlements.start();
  await startServer(createApp({ config, database, verifier, flags, logger, metrics, redis: subscriber, entitlements }), {
    port: config.port,
    metrics: { registry: metrics.registry, port: config.metricsPort },
    logger,
    closers: [database.close, () => flags.close(), () => entitlements.close()],
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    handleSignals: true,
  });
}

void main();

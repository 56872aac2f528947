import { TokenVerifier } from '@tp/auth';
import { loadConfigOrExit } from '@tp/config';
import { createDatabase } from '@tp/db';
import { connectEntitlementCache } from '@tp/entitlements';
import { createFlagSubscriber, FeatureFlagClient, loadFlagDefinitions } from '@tp/feature-flags';
import { startServer } from '@tp/http';
import { createLogger } from '@tp/logging';
import { jwksMetrics, createServiceMetrics } from '@tp/metrics';
import { createApp } from './app';
import { loadFlagsConfig } from './config';
import { createPublisher } from './create-publisher';

const config = loadConfigOrExit(() => loadFlagsConfig());
const logger = createLogger({ service: 'flags', level: config.logLevel, pretty: config.logPretty });
const database = createDatabase({ url: config.databaseUrl, poolMax: config.databasePoolMax });
const metrics = createServiceMetrics('flags');
const verifier = new TokenVerifier({ ...config.auth, ...jwksMetrics(metrics.registry) });
const publisher = createPublisher(config.redisUrl, logger);
const flags = new FeatureFlagClient({
  load: () => loadFlagDefinitions(database.db),
  killSwitches: config.killSwitches,
  ttlMs: config.flags.cacheTtlMs,
  subscriber: createFlagSubscriber(config.redisUrl, logger),
  channel: config.flags.channel,
  logger,
});

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

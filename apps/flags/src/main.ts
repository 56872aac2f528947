import { TokenVerifier } from '@tp/auth';
import { loadConfigOrExit } from '@tp/config';
import { createDatabase } from '@tp/db';
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

async function main() {
  await flags.start();
  await startServer(createApp({ config, database, verifier, flags, publisher, logger, metrics }), {
    port: config.port,
    metrics: { registry: metrics.registry, port: config.metricsPort },
    logger,
    closers: [database.close, () => flags.close(), () => publisher.quit().then(() => undefined)],
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    handleSignals: true,
  });
}

void main();

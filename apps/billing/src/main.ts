import { loadConfigOrExit } from '@tp/config';
import { createDatabase } from '@tp/db';
import { createEntitlementPublisher, publishEntitlementChange } from '@tp/entitlements';
import { connectFeatureFlags } from '@tp/feature-flags';
import { startServer } from '@tp/http';
import { createLogger } from '@tp/logging';
import { createServiceMetrics } from '@tp/metrics';
import { createApp } from './app';
import { loadBillingConfig } from './config';

const config = loadConfigOrExit(() => loadBillingConfig());
const logger = createLogger({ service: 'billing', level: config.logLevel, pretty: config.logPretty });
const metrics = createServiceMetrics('billing');
const database = createDatabase(config.database);

const { client: flags } = connectFeatureFlags({
  db: database.db,
  redisUrl: config.redisUrl,
  settings: config.flags,
  logger,
});

const publisher = createEntitlementPublisher(config.redisUrl, logger);
const announceChange = async (userId: string) =>
  void (await publishEntitlementChange(publisher, config.entitlements.channel, userId, logger));

async function main() {
  await flags.start();
  await startServer(createApp({ config, database, flags, logger, metrics, announceChange }), {
    port: config.port,
    metrics: { registry: metrics.registry, port: config.metricsPort },
    logger,
    closers: [database.close, () => flags.close(), () => publisher.quit().then(() => undefined, () => publisher.disconnect())],
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    handleSignals: true,
  });
}

void main();

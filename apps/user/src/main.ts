import { TokenVerifier } from '@tp/auth';
import { loadConfigOrExit } from '@tp/config';
import { createDatabase } from '@tp/db';
import { createFlagSubscriber, FeatureFlagClient, killSwitchesFrom, loadFlagDefinitions } from '@tp/feature-flags';
import { startServer } from '@tp/http';
import { createLogger } from '@tp/logging';
import { createApp } from './app';
import { loadUserConfig } from './config';

const config = loadConfigOrExit(() => loadUserConfig());
const logger = createLogger({ service: 'user', level: config.logLevel, pretty: config.logPretty });
const database = createDatabase({ url: config.databaseUrl, poolMax: config.databasePoolMax });
const verifier = new TokenVerifier(config.auth);
const flags = new FeatureFlagClient({
  load: () => loadFlagDefinitions(database.db),
  killSwitches: killSwitchesFrom(config.features),
  ttlMs: config.flags.cacheTtlMs,
  subscriber: createFlagSubscriber(config.redisUrl, logger),
  channel: config.flags.channel,
  logger,
});

async function main() {
  // Resolves once subscribed, or at once (with a warning) if Redis is down: the TTL still bounds staleness.
  await flags.start();
  await startServer(createApp({ config, database, verifier, flags, logger }), {
    port: config.port,
    logger,
    closers: [database.close, () => flags.close()],
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    handleSignals: true,
  });
}

void main();

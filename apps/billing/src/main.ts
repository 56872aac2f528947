import { loadConfigOrExit } from '@tp/config';
import { createDatabase } from '@tp/db';
import { startServer } from '@tp/http';
import { createLogger } from '@tp/logging';
import { createApp } from './app';
import { loadBillingConfig } from './config';

const config = loadConfigOrExit(() => loadBillingConfig());
const logger = createLogger({ service: 'billing', level: config.logLevel, pretty: config.logPretty });
const database = createDatabase({ url: config.databaseUrl, poolMax: config.databasePoolMax });

void startServer(createApp({ config, database, logger }), {
  port: config.port,
  logger,
  closers: [database.close],
  shutdownTimeoutMs: config.shutdownTimeoutMs,
  handleSignals: true,
});

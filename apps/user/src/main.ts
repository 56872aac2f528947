import { TokenVerifier } from '@tp/auth';
import { loadConfigOrExit } from '@tp/config';
import { createDatabase } from '@tp/db';
import { startServer } from '@tp/http';
import { createLogger } from '@tp/logging';
import { createApp } from './app';
import { loadUserConfig } from './config';

const config = loadConfigOrExit(() => loadUserConfig());
const logger = createLogger({ service: 'user', level: config.logLevel, pretty: config.logPretty });
const database = createDatabase({ url: config.databaseUrl, poolMax: config.databasePoolMax });
const verifier = new TokenVerifier(config.auth);

void startServer(createApp({ config, database, verifier, logger }), {
  port: config.port,
  logger,
  closers: [database.close],
  shutdownTimeoutMs: config.shutdownTimeoutMs,
  handleSignals: true,
});

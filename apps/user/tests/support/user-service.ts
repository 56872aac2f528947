import { createVerifier } from '@tp/auth';
import type { Database } from '@tp/db';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import type { FeatureFlagClient } from '@tp/feature-flags';
import { startServer, type RunningServer } from '@tp/http';
import { createLogger } from '@tp/logging';
import { createTestDatabase, keycloakEnvFor, startTestIdentityProvider, testFlagClient, type TestDatabase } from '@tp/testing';
import { createApp } from '../../src/app';
import { loadUserConfig } from '../../src/config';

/** The one price PADDLE_PREMIUM_PRICE_IDS lists for these tests. */
export const TEST_PREMIUM_PRICE_ID = 'pri_01usertestpremium000000000000';

export interface UserService {
  url: string;
  idp: DevIdentityProvider;
  testDb: TestDatabase;
  server: RunningServer;
  /** The app's flag client (no Redis subscription here: call invalidate() after writing a flag). */
  flags: FeatureFlagClient;
  /** GET against the running service, with an optional bearer token and extra headers. */
  get: (path: string, options?: { token?: string; headers?: Record<string, string> }) => Promise<Response>;
  /** Stops the server, the identity provider, and drops the test database. */
  stop: () => Promise<void>;
}

export interface StartUserServiceOptions {
  /** Extra environment on top of the test defaults (e.g. FEATURE_ADS_ENABLED). */
  env?: Record<string, string>;
  /** The app's database; defaults to the test database's own pool. */
  database?: (testDb: TestDatabase) => Database;
}

/** The real user app on a real port, against a fresh Postgres database and the dev identity provider. */
export async function startUserService(options: StartUserServiceOptions = {}): Promise<UserService> {
  const testDb = await createTestDatabase();
  const idp = await startTestIdentityProvider();
  const config = loadUserConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: testDb.url,
    ...keycloakEnvFor(idp),
    USER_PORT: '0',
    PADDLE_PREMIUM_PRICE_IDS: TEST_PREMIUM_PRICE_ID,
    ...options.env,
  });
  const logger = createLogger({ service: 'user', level: config.logLevel });
  const database = options.database ? options.database(testDb) : testDb.database;
  const flags = testFlagClient(database.db, config);
  const app = createApp({ config, database, verifier: createVerifier(config.auth), flags, logger });
  const server = await startServer(app, { port: 0, host: '127.0.0.1', logger, shutdownTimeoutMs: 1000 });

  const get: UserService['get'] = (path, { token, headers = {} } = {}) =>
    fetch(`${server.url}${path}`, {
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });

  return {
    url: server.url,
    idp,
    testDb,
    server,
    flags,
    get,
    stop: async () => {
      await server.close();
      if (database !== testDb.database) await database.close().catch(() => undefined);
      await idp.stop();
      await testDb.drop();
    },
  };
}

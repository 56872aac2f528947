import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import type { FeatureFlagClient } from '@tp/feature-flags';
import { startService, type RunningServer } from '@tp/http';
import { createTestDatabase, keycloakEnvFor, startTestIdentityProvider, testFlags, type TestDatabase } from '@tp/testing';
import { userService } from '../../src/service';

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
  /** The URL the app's pool connects to, given the test database's (e.g. through a TCP proxy). */
  databaseUrl?: (url: string) => string;
}

/**
 * The user service as main.ts wires it, on a real port, against a fresh Postgres database and the
 * dev identity provider; only its flags read by TTL (no Redis) and no account cache, so a row a
 * test writes counts at once.
 */
export async function startUserService(options: StartUserServiceOptions = {}): Promise<UserService> {
  const testDb = await createTestDatabase();
  const idp = await startTestIdentityProvider();
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: options.databaseUrl ? options.databaseUrl(testDb.url) : testDb.url,
    ...keycloakEnvFor(idp),
    PADDLE_PREMIUM_PRICE_IDS: TEST_PREMIUM_PRICE_ID,
    ...options.env,
  };
  const flags = testFlags();
  const server = await startService(userService({ flags: flags.source, accounts: () => undefined }), env).catch(async (err: unknown) => {
    await Promise.all([idp.stop(), testDb.drop()]);
    throw err;
  });

  const get: UserService['get'] = (path, { token, headers = {} } = {}) =>
    fetch(`${server.url}${path}`, {
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });

  return {
    url: server.url,
    idp,
    testDb,
    server,
    flags: flags.client,
    get,
    stop: async () => {
      await server.close();
      await idp.stop();
      await testDb.drop();
    },
  };
}

import { randomBytes } from 'node:crypto';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import {
  createTestDatabase,
  DEV_PASSWORD,
  keycloakEnvFor,
  loadTestConfig,
  startServiceProcess,
  startTestIdentityProvider,
  type ServiceProcess,
  type TestDatabase,
} from '@tp/testing';


export interface FlagsStack {
  edgeUrl: string;
  db: TestDatabase;
  idp: DevIdentityProvider;
  token: (email: string) => Promise<string>;
  stop: () => Promise<void>;
}

/**
 * Flags, user and edge services as real processes over one test database, sharing a
 * change channel and a rate-limit prefix no other test file uses.
 */
export async function startFlagsStack(flagsEnv: Record<string, string> = {}): Promise<FlagsStack> {
  const db = await createTestDatabase();
  const idp = await startTestIdentityProvider();
  const processes: ServiceProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((service) => service.stop()));
    await idp.stop();
    await db.drop();
  };
  const unique = randomBytes(6).toString('hex');
  const shared = {
    ...keycloakEnvFor(idp),
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.url,
    REDIS_URL: loadTestConfig().TEST_REDIS_URL,
    FEATURE_FLAGS_CHANNEL: `feature-flags:test:${unique}`,
  };
  try {
    const [flags, user] = await Promise.all([
      startServiceProcess('flags', { ...shared, ...flagsEnv }, 'FLAGS_PORT'),
      startServiceProcess('user', shared, 'USER_PORT'),
    ]);
    processes.push(flags, user);
    const edgeEnv = {
      ...shared,
      FLAGS_SERVICE_URL: flags.url,
      USER_SERVICE_URL: user.url,
      RATE_LIMIT_PREFIX: `rl:test:${unique}:`,
      RATE_LIMIT_MAX: '100000',
    };
    processes.push(await startServiceProcess('edge', edgeEnv, 'EDGE_PORT'));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    edgeUrl: processes[2]!.url,
    db,
    idp,
    token: (email) => idp.passwordGrant(email, DEV_PASSWORD),
    stop,
  };
}


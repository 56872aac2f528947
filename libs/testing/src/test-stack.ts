import { randomBytes } from 'node:crypto';
import { serviceSpec, type UpstreamName } from '@tp/config';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { validateRepliesFrom } from './edge-contract';
import { startServiceProcess, type ServiceProcess } from './service-process';
import { loadTestConfig } from './test-config';
import { createTestDatabase, type TestDatabase } from './test-database';
import { DEV_PASSWORD, keycloakEnvFor, startTestIdentityProvider } from './test-identity-provider';
import { startS3Server, type S3Server } from './test-s3-server';

/** The services a stack can run as their own processes (their real main.ts), behind the edge: the manifest's upstreams. */
export type StackService = UpstreamName;

export interface TestStackOptions<S extends StackService> {
  /** Started in parallel once the database and the identity provider run. */
  services?: readonly S[];
  /** Also start s3rver when no `upload` process needs it (an upload app in the test process). */
  s3?: boolean;
  /** Env for every service process, over the stack's database, Redis, identity provider (and S3). */
  env?: Record<string, string>;
  /** Env for one service, over `env`. */
  serviceEnv?: Partial<Record<S, Record<string, string>>>;
  /** Start the edge as its own process in front of the services, with this env over `edgeEnv()`. */
  edge?: Record<string, string>;
}

export type Closer = () => Promise<unknown> | unknown;

export type TestStack<S extends StackService = never> = Record<S, ServiceProcess> & {
  db: TestDatabase;
  idp: DevIdentityProvider;
  /** Started when `upload` runs or `s3` was asked for. */
  s3?: S3Server;
  redisUrl: string;
  /** Hex no other test file uses: for queue, channel, bucket and key-prefix names. */
  unique: string;
  /** The edge process, once started (option `edge` or `startEdge`). */
  edge?: ServiceProcess;
  /** An edge's env for this stack: identity provider, Redis, each service's URL and a fresh rate-limit prefix, then `overrides`. */
  edgeEnv: (overrides?: Record<string, string>) => Record<string, string>;
  /** Starts the real edge as its own process with `edgeEnv(env)`; the stack stops it first. */
  startEdge: (env?: Record<string, string>) => Promise<ServiceProcess>;
  /** A password-grant access token of a seeded user (free@, premium@, admin@example.com). */
  tokenFor: (email: string) => Promise<string>;
  /** Runs `closer` on stop, after the edge and before the services and databases (the last registered first). */
  onStop: (closer: Closer) => void;
  stop: () => Promise<void>;
};

/** Starts every promise; if one fails, stops the ones that started and rethrows. */
async function startAll(starts: Array<Promise<ServiceProcess>>): Promise<ServiceProcess[]> {
  const results = await Promise.allSettled(starts);
  const failed = results.find((result) => result.status === 'rejected');
  if (!failed) return results.map((result) => (result as PromiseFulfilledResult<ServiceProcess>).value);
  await Promise.all(results.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
  throw failed.reason;
}

/** The identity provider and, when wanted, s3rver; if one fails the other is stopped again. */
async function startProviders(withS3: boolean): Promise<{ idp: DevIdentityProvider; s3?: S3Server }> {
  const [idp, s3] = await Promise.allSettled([startTestIdentityProvider(), withS3 ? startS3Server() : Promise.resolve(undefined)]);
  if (idp.status === 'fulfilled' && s3.status === 'fulfilled') return { idp: idp.value, s3: s3.value };
  await Promise.all([idp.status === 'fulfilled' && idp.value.stop(), s3.status === 'fulfilled' && s3.value?.close()]);
  throw idp.status === 'rejected' ? idp.reason : (s3 as PromiseRejectedResult).reason;
}

/**
 * An end-to-end stack: a template-cloned database, the dev identity provider, Redis, s3rver when
 * needed, and the named services as real processes on free ports, optionally the edge in front.
 * Names that would collide between test files (queues, buckets, rate-limit keys) carry `unique`.
 */
export async function startTestStack<S extends StackService = never>(options: TestStackOptions<S> = {}): Promise<TestStack<S>> {
  const names = options.services ?? [];
  const unique = randomBytes(6).toString('hex');
  const redisUrl = loadTestConfig().TEST_REDIS_URL;
  const db = await createTestDatabase();
  const { idp, s3 } = await startProviders(Boolean(options.s3) || names.includes('upload' as S)).catch(async (err: unknown) => {
    await db.drop();
    throw err;
  });
  const processes: Partial<Record<StackService, ServiceProcess>> = {};
  const closers: Closer[] = [];
  let edge: ServiceProcess | undefined;
  const stop = async () => {
    await edge?.stop();
    for (const closer of closers) await closer();
    await Promise.all(Object.values(processes).map((service) => service.stop()));
    await Promise.all([idp.stop(), s3?.close()]);
    await db.drop();
  };
  const envFor = (name: S): Record<string, string> => ({
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    ...keycloakEnvFor(idp),
    ...(name === 'upload' && s3
      ? {
          S3_ENDPOINT: s3.endpoint,
          S3_BUCKET: `uploads-${unique}`,
          UPLOAD_QUEUE_NAME: `upload-test-${unique}`,
          UPLOAD_QUEUE_PREFIX: `bull-test-${unique}`,
          UPLOAD_SLOT_PREFIX: `upload-slots-test:${unique}:`,
        }
      : {}),
    ...options.env,
    ...options.serviceEnv?.[name],
  });
  const edgeEnv = (overrides: Record<string, string> = {}) => ({
    ...keycloakEnvFor(idp),
    REDIS_URL: redisUrl,
    ...Object.fromEntries(Object.entries(processes).map(([name, service]) => [serviceSpec(name as StackService).upstreamVariable, service.url])),
    RATE_LIMIT_PREFIX: `rl:test:${randomBytes(6).toString('hex')}:`,
    ...overrides,
  });
  const startEdge = async (env: Record<string, string> = {}) => {
    edge = await startServiceProcess('edge', edgeEnv(env));
    validateRepliesFrom(edge.url);
    return edge;
  };
  try {
    const started = await startAll(names.map((name) => startServiceProcess(name, envFor(name))));
    names.forEach((name, index) => (processes[name] = started[index]));
    if (options.edge) await startEdge(options.edge);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    ...(processes as Record<S, ServiceProcess>),
    db,
    idp,
    s3,
    redisUrl,
    unique,
    get edge() {
      return edge;
    },
    edgeEnv,
    startEdge,
    tokenFor: (email) => idp.passwordGrant(email, DEV_PASSWORD),
    onStop: (closer) => void closers.unshift(closer),
    stop,
  };
}

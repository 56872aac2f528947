import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { TokenVerifier } from '@tp/auth';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { startServer, type RunningServer } from '@tp/http';
import { createLogger } from '@tp/logging';
import {
  createTestDatabase,
  keycloakEnvFor,
  loadTestConfig,
  startServiceProcess,
  startTestIdentityProvider,
  type ServiceProcess,
  type TestDatabase,
} from '@tp/testing';
import { createApp } from '../../src/app';
import { loadEdgeConfig, type EdgeConfig } from '../../src/config';
import { createRedis } from '../../src/create-redis';

export const REDIS_URL = loadTestConfig().TEST_REDIS_URL;

/** A rate-limit key prefix no other test (or earlier run) has used. */
export const uniquePrefix = (): string => `rl:test:${randomBytes(6).toString('hex')}:`;

export interface RunningEdge {
  url: string;
  config: EdgeConfig;
  redis: Redis;
  server: RunningServer;
  close: () => Promise<void>;
}

/** Database, identity provider and the user service as its own process: everything behind the edge. */
export interface Backends {
  db: TestDatabase;
  idp: DevIdentityProvider;
  user: ServiceProcess;
  flags: ServiceProcess;
  /** Edge env for these backends (merge overrides on top). */
  edgeEnv: (overrides?: Record<string, string>) => Record<string, string>;
  stop: () => Promise<void>;
}

export async function startBackends(): Promise<Backends> {
  const db = await createTestDatabase();
  const idp = await startTestIdentityProvider();
  let user: ServiceProcess;
  let flags: ServiceProcess;
  try {
    // LOG_LEVEL info (not warn): the request-id test reads the per-request log line.
    user = await startServiceProcess('user', { DATABASE_URL: db.url, ...keycloakEnvFor(idp), LOG_LEVEL: 'info' }, 'USER_PORT');
    // Every routed service is a required health dependency of the edge.
    flags = await startServiceProcess('flags', { DATABASE_URL: db.url, REDIS_URL, ...keycloakEnvFor(idp), LOG_LEVEL: 'warn' }, 'FLAGS_PORT').catch(
      async (err: unknown) => {
        await user.stop();
        throw err;
      },
    );
  } catch (err) {
    await idp.stop();
    await db.drop();
    throw err;
  }
  return {
    db,
    idp,
    user,
    flags,
    edgeEnv: (overrides = {}) => ({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      ...keycloakEnvFor(idp),
      USER_SERVICE_URL: user.url,
      FLAGS_SERVICE_URL: flags.url,
      REDIS_URL,
      RATE_LIMIT_PREFIX: uniquePrefix(),
      ...overrides,
    }),
    stop: async () => {
      await user.stop();
      await flags.stop();
      await idp.stop();
      await db.drop();
    },
  };
}

function redisReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

/**
 * The real edge app in-process on a random port, with its own Redis connection.
 * By default waits until Redis is ready: until then the limiter fails open and the
 * health check reports Redis down, which is right for production but makes counts racy.
 */
export async function startEdge(env: Record<string, string>, options: { waitForRedis?: boolean } = {}): Promise<RunningEdge> {
  const config = loadEdgeConfig(env);
  const logger = createLogger({ service: 'edge', level: config.logLevel });
  const redis = createRedis(config.redisUrl, logger);
  if (options.waitForRedis ?? true) {
    try {
      await redisReady(redis, 5000);
    } catch (err) {
      redis.disconnect();
      throw err;
    }
  }
  const app = createApp({ config, redis, verifier: new TokenVerifier(config.auth), logger });
  const server = await startServer(app, { port: 0, host: '127.0.0.1', logger, shutdownTimeoutMs: 2000 });
  return {
    url: server.url,
    config,
    redis,
    server,
    close: async () => {
      await server.close();
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

/** Closes edges whose start succeeded, ignoring the undefined ones (a failed beforeAll). */
export async function closeAll(...edges: Array<RunningEdge | undefined>): Promise<void> {
  await Promise.all(edges.map((edge) => edge?.close()));
}

export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

export async function call(
  url: string,
  options: { token?: string; headers?: Record<string, string>; method?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const response = await fetch(url, { method: options.method ?? 'GET', headers });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // not JSON; tests assert on `text`
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** `count` requests, `batch` at a time in parallel; returns the status codes in order. */
export async function burst(count: number, send: () => Promise<Reply>, batch = 20): Promise<number[]> {
  const statuses: number[] = [];
  for (let done = 0; done < count; done += batch) {
    const size = Math.min(batch, count - done);
    const replies = await Promise.all(Array.from({ length: size }, send));
    statuses.push(...replies.map((reply) => reply.status));
  }
  return statuses;
}

/** A throwaway upstream that accepts requests and never answers. */
export async function startSilentUpstream(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls until `predicate` holds (log lines are written asynchronously by another process). */
export async function eventually(predicate: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return predicate();
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

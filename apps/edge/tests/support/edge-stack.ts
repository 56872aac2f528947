import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startService } from '@tp/http';
import { loadTestConfig, startTestStack, validateRepliesFrom, type Reply, type TestStack } from '@tp/testing';

import type { EdgeConfig } from '../../src/config';
import { edgeService } from '../../src/service';

export const REDIS_URL = loadTestConfig().TEST_REDIS_URL;

/** A rate-limit key prefix no other test (or earlier run) has used. */
export const uniquePrefix = (): string => `rl:test:${randomBytes(6).toString('hex')}:`;

export interface RunningEdge {
  url: string;
  config: EdgeConfig;
  close: () => Promise<void>;
}

/** Everything behind the edge: database, identity provider, S3 and every routed service as its own process. */
export type Backends = TestStack<'user' | 'flags' | 'billing' | 'upload'>;

export async function startBackends(): Promise<Backends> {
  // Every routed service is a required health dependency of the edge, so all of them run.
  const stack = await startTestStack({
    services: ['user', 'flags', 'billing', 'upload'],
    // A short JWKS refresh interval so a key rotated during a test reaches the services quickly.
    env: { LOG_LEVEL: 'warn', JWKS_REFRESH_INTERVAL_MS: '500' },
    // LOG_LEVEL info: the request-id test reads the user service's per-request log line.
    serviceEnv: { user: { LOG_LEVEL: 'info' } },
  });
  // The edges these tests start in-process: quiet unless a test asks for a log level.
  return { ...stack, edgeEnv: (overrides = {}) => stack.edgeEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...overrides }) };
}

/** The edge as main.ts runs it, in-process on a free port (it waits briefly for Redis, as in production). */
export async function startEdge(env: Record<string, string>): Promise<RunningEdge> {
  const server = await startService(edgeService, { SHUTDOWN_TIMEOUT_MS: '2000', ...env });
  // Every call() answer from this edge is checked against the OpenAPI document.
  validateRepliesFrom(server.url);
  return { url: server.url, config: server.config, close: server.close };
}

/** Closes edges whose start succeeded, ignoring the undefined ones (a failed beforeAll). */
export async function closeAll(...edges: Array<Pick<RunningEdge, 'close'> | undefined>): Promise<void> {
  await Promise.all(edges.map((edge) => edge?.close()));
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

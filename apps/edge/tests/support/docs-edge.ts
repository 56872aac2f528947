import type { Express } from 'express';
import { startService } from '@tp/http';
import { captureLogs, DEV_PASSWORD, type LogCapture } from '@tp/testing';
import { edgeService } from '../../src/service';
import { startBackends, type Backends } from './edge-stack';

export interface DocsEdge {
  url: string;
  /** The edge's Express app, to enumerate what it mounts. */
  app: Express;
  /** Everything the edge logged (info level), for assertions on request lines. */
  logs: LogCapture;
  close: () => Promise<void>;
}

/** The edge as main.ts runs it, in-process, logging into memory (the docs tests read its request lines). */
export async function startDocsEdge(env: Record<string, string>): Promise<DocsEdge> {
  const logs = captureLogs('edge');
  const server = await startService(edgeService, env, { logger: logs.logger });
  return { url: server.url, app: server.app as Express, logs, close: server.close };
}

/** Every backend, the docs edge in front of them, and admin@'s and free@'s tokens: what the /docs specs start. */
export interface DocsStack {
  stack: Backends;
  edge: DocsEdge;
  adminToken: string;
  freeToken: string;
  /** Closes the edge, then the backends. */
  stop: () => Promise<void>;
}

export async function startDocsStack(): Promise<DocsStack> {
  const stack = await startBackends();
  let edge: DocsEdge | undefined;
  const stop = async () => {
    await edge?.close();
    await stack.stop();
  };
  try {
    edge = await startDocsEdge(stack.edgeEnv());
    const [adminToken, freeToken] = await Promise.all([
      stack.idp.passwordGrant('admin@example.com', DEV_PASSWORD),
      stack.idp.passwordGrant('free@example.com', DEV_PASSWORD),
    ]);
    return { stack, edge, adminToken, freeToken, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

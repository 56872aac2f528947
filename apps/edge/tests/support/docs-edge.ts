import type { Express } from 'express';
import { createVerifier } from '@tp/auth';
import { startServer } from '@tp/http';
import { captureLogs, type LogCapture } from '@tp/testing';
import { createApp } from '../../src/app';
import { loadEdgeConfig } from '../../src/config';
import { createRedis } from '../../src/create-redis';

export interface DocsEdge {
  url: string;
  /** The edge's Express app, to enumerate what it mounts. */
  app: Express;
  /** Everything the edge logged (info level), for assertions on request lines. */
  logs: LogCapture;
  close: () => Promise<void>;
}

/** The real edge app in-process, logging into memory (the docs tests read its request lines). */
export async function startDocsEdge(env: Record<string, string>): Promise<DocsEdge> {
  const config = loadEdgeConfig(env);
  const logs = captureLogs('edge');
  const redis = createRedis(config.redisUrl, logs.logger);
  const app = createApp({ config, redis, verifier: createVerifier(config.auth), logger: logs.logger });
  const server = await startServer(app, { port: 0, host: '127.0.0.1', logger: logs.logger, shutdownTimeoutMs: 2000 });
  return {
    url: server.url,
    app,
    logs,
    close: async () => {
      await server.close();
      redis.disconnect();
    },
  };
}

import { createVerifier } from '@tp/auth';
import { startServer } from '@tp/http';
import { captureLogs, type LogCapture } from '@tp/testing';
import { createApp } from '../../src/app';
import { loadEdgeConfig, type EdgeConfig } from '../../src/config';
import { createRedis } from '../../src/create-redis';
import { edgeServerOptions } from '../../src/edge-server-options';

export interface LoggedEdge {
  url: string;
  config: EdgeConfig;
  logs: LogCapture;
  close: () => Promise<void>;
}

/** The real edge in-process, logging into memory, serving once its Redis connection is ready. */
export async function startLoggedEdge(env: Record<string, string>): Promise<LoggedEdge> {
  const config = loadEdgeConfig(env);
  const logs = captureLogs('edge');
  const redis = createRedis(config.redisUrl, logs.logger);
  await new Promise<void>((resolve, reject) => {
    if (redis.status === 'ready') return resolve();
    const timer = setTimeout(() => reject(new Error('Redis not ready')), 5000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const app = createApp({ config, redis, verifier: createVerifier(config.auth), logger: logs.logger });
  const server = await startServer(app, { port: 0, host: '127.0.0.1', logger: logs.logger, shutdownTimeoutMs: 2000, ...edgeServerOptions(config) });
  return {
    url: server.url,
    config,
    logs,
    close: async () => {
      await server.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

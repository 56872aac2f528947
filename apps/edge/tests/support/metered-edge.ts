import { TokenVerifier } from '@tp/auth';
import { startServer } from '@tp/http';
import { createLogger } from '@tp/logging';
import { jwksMetrics, createServiceMetrics, parseExposition, type MetricSample } from '@tp/metrics';
import { createApp } from '../../src/app';
import { loadEdgeConfig } from '../../src/config';
import { createRedis } from '../../src/create-redis';
import { redisReady, type RunningEdge } from './edge-stack';

export interface MeteredEdge extends RunningEdge {
  /** GET /metrics on the edge's separate metrics port, parsed. */
  scrape: () => Promise<MetricSample[]>;
  metricsUrl: string;
}

/** The edge wired as main.ts wires it (metrics registry, JWKS counter, metrics port), in-process. */
export async function startMeteredEdge(env: Record<string, string>): Promise<MeteredEdge> {
  const config = loadEdgeConfig(env);
  const logger = createLogger({ service: 'edge', level: config.logLevel });
  const redis = createRedis(config.redisUrl, logger);
  await redisReady(redis, 5000);
  const metrics = createServiceMetrics('edge');
  const verifier = new TokenVerifier({ ...config.auth, ...jwksMetrics(metrics.registry) });
  const app = createApp({ config, redis, verifier, logger, metrics });
  const server = await startServer(app, {
    port: 0,
    host: '127.0.0.1',
    logger,
    shutdownTimeoutMs: 2000,
    metrics: { registry: metrics.registry, port: config.metricsPort, host: '127.0.0.1' },
  });
  const metricsUrl = `http://127.0.0.1:${server.metricsPort}/metrics`;
  return {
    url: server.url,
    config,
    redis,
    server,
    metricsUrl,
    scrape: async () => parseExposition(await (await fetch(metricsUrl)).text()),
    close: async () => {
      await server.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

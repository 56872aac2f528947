import { createVerifier } from '@tp/auth';
import type { RunServiceOptions } from '@tp/http';
import { jwksMetrics } from '@tp/metrics';
import { waitForRedis } from '@tp/redis';
import { createApp } from './app';
import { loadEdgeConfig, type EdgeConfig } from './config';
import { createRedis } from './create-redis';
import { edgeServerOptions } from './edge-server-options';

/** The edge as a process: main.ts runs it (runService), tests start it in-process (startService). */
export const edgeService: RunServiceOptions<EdgeConfig> = {
  name: 'edge',
  loadConfig: loadEdgeConfig,
  createApp: async ({ config, logger, metrics, onClose }) => {
    const redis = createRedis(config.redisUrl, logger);
    onClose(() => redis.quit().catch(() => redis.disconnect()));
    const verifier = createVerifier(config.auth, jwksMetrics(metrics.registry));
    // Until Redis answers the limiter fails open; that is right in production, so it only waits briefly.
    if (!(await waitForRedis(redis, 3000))) logger.warn('Redis not ready; starting without rate limiting until it is');
    return createApp({ config, redis, verifier, logger, metrics, onClose });
  },
  server: edgeServerOptions,
};

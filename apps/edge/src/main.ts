import { TokenVerifier } from '@tp/auth';
import { runService } from '@tp/http';
import { jwksMetrics } from '@tp/metrics';
import { waitForRedis } from '@tp/redis';
import { createApp } from './app';
import { loadEdgeConfig } from './config';
import { createRedis } from './create-redis';

void runService({
  name: 'edge',
  loadConfig: loadEdgeConfig,
  createApp: async ({ config, logger, metrics, onClose }) => {
    const redis = createRedis(config.redisUrl, logger);
    onClose(() => redis.quit());
    const verifier = new TokenVerifier({ ...config.auth, ...jwksMetrics(metrics.registry) });
    if (!(await waitForRedis(redis, 3000))) logger.warn('Redis not ready; starting without rate limiting until it is');
    return createApp({ config, redis, verifier, logger, metrics });
  },
  server: (config) => ({ requestTimeoutMs: config.requestTimeoutMs }),
});

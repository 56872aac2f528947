import { TokenVerifier } from '@tp/auth';
import { loadConfigOrExit } from '@tp/config';
import { startServer } from '@tp/http';
import { createLogger } from '@tp/logging';
import { jwksMetrics, createServiceMetrics } from '@tp/metrics';
import { waitForRedis } from '@tp/redis';
import { createApp } from './app';
import { loadEdgeConfig } from './config';
import { createRedis } from './create-redis';

const config = loadConfigOrExit(() => loadEdgeConfig());
const logger = createLogger({ service: 'edge', level: config.logLevel, pretty: config.logPretty });
const redis = createRedis(config.redisUrl, logger);
const metrics = createServiceMetrics('edge');
const verifier = new TokenVerifier({ ...config.auth, ...jwksMetrics(metrics.registry) });

async function main() {
  if (!(await waitForRedis(redis, 3000))) logger.warn('Redis not ready; starting without rate limiting until it is');
  await startServer(createApp({ config, redis, verifier, logger, metrics }), {
    port: config.port,
    metrics: { registry: metrics.registry, port: config.metricsPort },
    logger,
    closers: [() => redis.quit()],
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    handleSignals: true,
  });
}

void main();

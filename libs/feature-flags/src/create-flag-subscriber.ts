import { Redis } from 'ioredis';
import type { Logger } from '@tp/logging';

/**
 * A dedicated Redis connection for the change channel (a subscribing connection can run no
 * other command). It reconnects forever; the client reloads on every reconnect.
 */
export function createFlagSubscriber(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    connectTimeout: 2000,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let reported = false;
  redis.on('error', (err) => {
    if (!reported) logger.warn({ err: { message: err.message } }, 'Feature flag subscriber: Redis connection error');
    reported = true;
  });
  redis.on('ready', () => {
    reported = false;
  });
  return redis;
}

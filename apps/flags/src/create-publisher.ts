import { Redis } from 'ioredis';
import type { Logger } from '@tp/logging';

/**
 * The connection change messages are published on. Fails fast while Redis is down (no
 * offline queue): a lost message only delays other services until their cache TTL.
 */
export function createPublisher(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let reported = false;
  redis.on('error', (err) => {
    if (!reported) logger.warn({ err: { message: err.message } }, 'Flags publisher: Redis connection error');
    reported = true;
  });
  redis.on('ready', () => {
    reported = false;
  });
  return redis;
}

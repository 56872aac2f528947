import { Redis } from 'ioredis';
import type { Logger } from '@tp/logging';

/**
 * `producer`: a request must not wait on an outage, so commands give up after one retry.
 * `worker`: BullMQ's blocking worker connection requires maxRetriesPerRequest null.
 */
export function createQueueRedis(url: string, role: 'producer' | 'worker', logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === 'producer' ? 1 : null,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let reported = false;
  redis.on('error', (err) => {
    if (!reported) logger.warn({ err: { message: err.message } }, 'Redis connection error');
    reported = true;
  });
  redis.on('ready', () => {
    reported = false;
  });
  return redis;
}

import type { Redis } from 'ioredis';
import type { Logger } from '@tp/logging';
import { createRedisConnection } from '@tp/redis';

/**
 * `producer`: a request must not wait on an outage, so commands give up after one retry.
 * `worker`: BullMQ's blocking worker connection requires commands that wait.
 */
export function createQueueRedis(url: string, role: 'producer' | 'worker', logger: Logger): Redis {
  return role === 'producer'
    ? createRedisConnection(url, logger, { name: 'Upload queue', mode: 'bounded' })
    : createRedisConnection(url, logger, { name: 'Upload worker', mode: 'blocking' });
}

import type { Redis } from 'ioredis';
import type { Logger } from '@tp/logging';
import { createRedisConnection } from '@tp/redis';

/**
 * A dedicated Redis connection for the change channel (a subscribing connection can run no
 * other command). It reconnects forever; the client reloads on every reconnect.
 */
export function createFlagSubscriber(url: string, logger: Logger): Redis {
  return createRedisConnection(url, logger, { name: 'Feature flag subscriber', mode: 'blocking' });
}

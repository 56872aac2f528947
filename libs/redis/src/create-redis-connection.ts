import { Redis } from 'ioredis';
import type { Logger } from '@tp/logging';

/**
 * How a connection's commands behave while Redis is unreachable:
 * - `fail-fast`: no offline queue and one retry, so a request never waits on an outage
 *   (the edge's rate limiter fails open, a publisher drops a message the readers' TTL covers).
 * - `bounded`: a command issued while (re)connecting waits for the connection, then gives up
 *   after one retry (the upload queue producer: the request answers 503, never hangs).
 * - `blocking`: commands wait as long as it takes, as a subscriber connection and BullMQ's
 *   blocking worker connection require (`maxRetriesPerRequest: null`).
 */
export type RedisMode = 'fail-fast' | 'bounded' | 'blocking';

export interface RedisConnectionOptions {
  /** Who holds the connection, named in its log lines ("Rate limiter", "Flags publisher"). */
  name: string;
  mode: RedisMode;
  /** Batch the commands issued in one tick into one socket write (the edge's per-request limiter). */
  autoPipelining?: boolean;
}

/** Every connection reconnects forever, backing off to one attempt every 2 s. */
const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2000);

/**
 * The one way a process opens a Redis connection. An outage is logged once (warn) and its end
 * once (info), not once per reconnect attempt, so a long outage does not flood the logs.
 */
export function createRedisConnection(url: string, logger: Logger, options: RedisConnectionOptions): Redis {
  const redis = new Redis(url, {
    connectTimeout: 2000,
    retryStrategy,
    maxRetriesPerRequest: options.mode === 'blocking' ? null : 1,
    enableOfflineQueue: options.mode !== 'fail-fast',
    enableAutoPipelining: options.autoPipelining ?? false,
  });
  let reported = false;
  redis.on('error', (err) => {
    if (!reported) logger.warn({ err: { message: err.message } }, `${options.name}: Redis connection error`);
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) logger.info(`${options.name}: Redis connection restored`);
    reported = false;
  });
  return redis;
}

/** Resolves true once the connection is ready, false after `timeoutMs` (never rejects). */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}

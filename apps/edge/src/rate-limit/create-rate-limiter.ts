import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore } from 'rate-limit-redis';
import { TooManyRequestsError } from '@tp/errors';
import { clientKey } from '@tp/http';
import type { Logger } from '@tp/logging';
import { ResilientRedisStore } from './resilient-redis-store';
import { SyncedRedisStore } from './synced-redis-store';

export interface RateLimiterOptions {
  redis: Redis;
  max: number;
  windowMs: number;
  prefix: string;
  /** RATE_LIMIT_SYNC_MS: 0 is one Redis call per request (exact); else local counts synced every syncMs. */
  syncMs: number;
  logger: Logger;
  /** CLIENT_IPV6_PREFIX: an IPv6 client is its whole network of this size (clientKey, libs/http). */
  ipv6Prefix: number;
  /** Called for every rejected request (the rate_limit_rejections_total metric). */
  onReject?: (keyType: 'user' | 'ip') => void;
  /** Registers the store's last round on shutdown (batched mode), so no counted hit stays local. */
  onClose?: (closer: () => Promise<void>) => void;
}

/** A warning per failure burst, not per request, while Redis is down. */
function throttledWarning(logger: Logger, intervalMs = 10_000) {
  let last = 0;
  return (err: unknown) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    logger.warn({ err }, 'Rate limiter store unavailable; serving without rate limiting (fail open)');
  };
}

function createStore(options: RateLimiterOptions, warn: (err: unknown) => void) {
  if (options.syncMs > 0) {
    const synced = new SyncedRedisStore({ redis: options.redis, prefix: options.prefix, syncMs: options.syncMs, onFailure: warn });
    options.onClose?.(() => synced.shutdown());
    return synced;
  }
  return new ResilientRedisStore(
    () =>
      new RedisStore({
        prefix: options.prefix,
        sendCommand: (command: string, ...args: string[]) =>
          options.redis.call(command, ...args) as Promise<number | string>,
      }),
    warn,
  );
}

type Store = ReturnType<typeof createStore>;

function limiterOn(store: Store, options: RateLimiterOptions, chargeFailuresOnly: boolean): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.max,
    standardHeaders: 'draft-8',
    // The double-count check allocates a Map per request; a request passes one limiter only, so it
    // cannot double count and the check is pure hot-path cost. Both limiters of a pair share one
    // store (one bucket per client) on purpose: unsharedStore would refuse that.
    // keyGeneratorIpFallback: the key is clientKey's (IPv6 grouped by network), not the raw req.ip it warns about.
    validate: { singleCount: false, keyGeneratorIpFallback: false, unsharedStore: false },
    legacyHeaders: false,
    store,
    passOnStoreError: true,
    // A request is counted as it arrives and given back when it answers < 400 (express-rate-limit's documented option).
    skipSuccessfulRequests: chargeFailuresOnly,
    // Failures are reported once per burst by the store wrapper above.
    logger: { error: () => undefined, warn: (...args: unknown[]) => options.logger.warn(args.map(String).join(' ')) },
    identifier: (req) => (req.identity ? 'per-user' : 'per-ip'),
    keyGenerator: (req) =>
      req.identity ? `user:${req.identity.userId}` : `ip:${clientKey(req.ip ?? '0.0.0.0', options.ipv6Prefix)}`,
    // Retry-After and the RateLimit headers are already set; the error middleware renders the body.
    handler: (req, _res, next) => {
      options.onReject?.(req.identity ? 'user' : 'ip');
      next(new TooManyRequestsError('Rate limit exceeded, retry after the time in Retry-After'));
    },
  });
}

/**
 * 100 requests per minute per client (configurable), counted in Redis so every edge
 * replica shares the count (per request, or batched every RATE_LIMIT_SYNC_MS: SyncedRedisStore).
 * Keyed by user id when authenticated, else by client IP.
 */
export function createRateLimiter(options: RateLimiterOptions): RequestHandler {
  return limiterOn(createStore(options, throttledWarning(options.logger)), options, false);
}

/**
 * Two limiters on one bucket per client: `counted` spends a request on every call; `failuresOnly`
 * spends one only on a call answered ≥ 400 (a resumable PATCH that was accepted costs nothing,
 * a flood of PATCHes to ids that are not the caller's still runs out).
 */
export function createRateLimiters(options: RateLimiterOptions): { counted: RequestHandler; failuresOnly: RequestHandler } {
  const store = createStore(options, throttledWarning(options.logger));
  return { counted: limiterOn(store, options, false), failuresOnly: limiterOn(store, options, true) };
}

import type { Redis } from 'ioredis';
import type { ServiceParts } from '@tp/http';
import type { Logger } from '@tp/logging';
import { createRedisConnection } from '@tp/redis';
import { AccountCache } from './account-cache';
import type { EntitlementSettings } from './entitlement-env';

/**
 * A service's AccountCache on its own subscriber connection (a subscribing connection can run
 * no other command). It reconnects forever; entries are served only while it is subscribed.
 * Call `start()` before serving and `close()` on shutdown.
 */
export function connectEntitlementCache(options: {
  redisUrl: string;
  settings: Pick<EntitlementSettings, 'channel' | 'cacheTtlMs'>;
  logger: Logger;
}): AccountCache {
  const subscriber = createRedisConnection(options.redisUrl, options.logger, { name: 'Entitlement subscriber', mode: 'blocking' });
  return new AccountCache({ ttlMs: options.settings.cacheTtlMs, subscriber, channel: options.settings.channel, logger: options.logger });
}

/** What a service's entitlement connections are built from: its config, logger and shutdown list. */
export type EntitlementParts = Pick<ServiceParts<{ redisUrl: string; entitlements: EntitlementSettings }>, 'config' | 'logger' | 'onClose'>;

/** Where a service's wiring gets its account cache: startEntitlementCache in main.ts; none reads every account from the database. */
export type AccountCacheSource = (parts: EntitlementParts) => AccountCache | undefined;

/**
 * connectEntitlementCache for a service run by runService: closed on shutdown and started without
 * delaying the start (until subscribed, Redis slow or down, every request reads its account).
 */
export function startEntitlementCache(parts: EntitlementParts): AccountCache {
  const cache = connectEntitlementCache({ redisUrl: parts.config.redisUrl, settings: parts.config.entitlements, logger: parts.logger });
  parts.onClose(() => cache.close());
  void cache.start();
  return cache;
}

/** Billing's publishing connection: a webhook must not wait on an outage, so no offline queue and one retry. */
export function createEntitlementPublisher(redisUrl: string, logger: Logger): Redis {
  return createRedisConnection(redisUrl, logger, { name: 'Entitlement publisher', mode: 'fail-fast' });
}

/**
 * Announces that a user's subscriptions changed (call after the transaction commits). Never
 * throws and waits at most `timeoutMs`: when Redis is down the readers' TTL is the bound, and
 * readers that lost their subscription read the database on every request anyway.
 */
export async function publishEntitlementChange(
  redis: Redis,
  channel: string,
  userId: string,
  logger: Logger,
  timeoutMs = 500,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const sent = redis.publish(channel, userId).then(
    () => true,
    () => false,
  );
  const ok = await Promise.race([sent, timedOut]);
  clearTimeout(timer);
  if (!ok) logger.warn({ userId }, 'Could not announce an entitlement change; readers fall back to their cache TTL');
  return ok;
}

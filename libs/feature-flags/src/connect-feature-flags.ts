import type { Redis } from 'ioredis';
import type { Db } from '@tp/db';
import type { ServiceParts } from '@tp/http';
import type { Logger } from '@tp/logging';
import { createFlagSubscriber } from './create-flag-subscriber';
import { FeatureFlagClient } from './feature-flag-client';
import type { FeatureFlagSettings } from './flag-env';
import { loadFlagDefinitions } from './load-flag-definitions';

/** What a service's flag client is built from: its config, logger and shutdown list. */
export type FlagParts = Pick<ServiceParts<{ redisUrl: string; flags: FeatureFlagSettings }>, 'config' | 'logger' | 'onClose'>;

/**
 * Where a service's wiring gets its flag client: startFeatureFlags in main.ts; a test may hand
 * in a client that reads by TTL only. `subscriber`, when there is one, is health-checked.
 */
export type FlagSource = (parts: FlagParts, db: Db) => Promise<FlagConnection> | FlagConnection;
export interface FlagConnection {
  client: FeatureFlagClient;
  subscriber?: Redis;
}

export interface ConnectFeatureFlagsOptions {
  db: Db;
  redisUrl: string;
  settings: FeatureFlagSettings;
  logger: Logger;
}

/**
 * What a service's main.ts needs to evaluate flags locally: a client over the feature_flags
 * table with the env kill switches, invalidated through its own subscriber connection.
 * Call `client.start()` before serving and `client.close()` on shutdown.
 */
export function connectFeatureFlags(options: ConnectFeatureFlagsOptions): { client: FeatureFlagClient; subscriber: Redis } {
  const subscriber = createFlagSubscriber(options.redisUrl, options.logger);
  const client = new FeatureFlagClient({
    load: () => loadFlagDefinitions(options.db),
    killSwitches: options.settings.killSwitches,
    ttlMs: options.settings.cacheTtlMs,
    subscriber,
    channel: options.settings.channel,
    logger: options.logger,
  });
  return { client, subscriber };
}

/**
 * connectFeatureFlags for a service run by runService: closed on shutdown, and started before
 * the service listens (resolves once subscribed, or soon with a warning while Redis is down:
 * the TTL still bounds staleness).
 */
export async function startFeatureFlags(parts: FlagParts, db: Db): Promise<{ client: FeatureFlagClient; subscriber: Redis }> {
  const connected = connectFeatureFlags({ db, redisUrl: parts.config.redisUrl, settings: parts.config.flags, logger: parts.logger });
  parts.onClose(() => connected.client.close());
  await connected.client.start();
  return connected;
}

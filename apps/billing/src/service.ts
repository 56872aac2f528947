import { startDatabase } from '@tp/db';
import { createEntitlementPublisher, publishEntitlementChange, type EntitlementParts } from '@tp/entitlements';
import type { FlagSource } from '@tp/feature-flags';
import type { RunServiceOptions } from '@tp/http';
import { createApp } from './app';
import { loadBillingConfig, type BillingConfig } from './config';
import type { AnnounceChange } from './webhooks/webhook-service';

/** What the billing service takes from outside: main.ts names the Redis-backed flags, a test may name its own. */
export interface BillingCollaborators {
  flags: FlagSource;
}

/** Announces a user whose subscriptions changed on ENTITLEMENTS_CHANNEL, on a fail-fast connection closed on shutdown. */
function announceEntitlementChanges({ config, logger, onClose }: EntitlementParts): AnnounceChange {
  const publisher = createEntitlementPublisher(config.redisUrl, logger);
  onClose(() => publisher.quit().then(undefined, () => publisher.disconnect()));
  return async (userId) => void (await publishEntitlementChange(publisher, config.entitlements.channel, userId, logger));
}

/** The billing service as a process: main.ts runs it (runService), tests start it in-process (startService). */
export function billingService(collaborators: BillingCollaborators): RunServiceOptions<BillingConfig> {
  return {
    name: 'billing',
    loadConfig: loadBillingConfig,
    createApp: async (parts) => {
      const { config, logger, metrics } = parts;
      const database = startDatabase(parts);
      const { client: flags } = await collaborators.flags(parts, database.db);
      const announceChange = announceEntitlementChanges(parts);
      return createApp({ config, database, flags, logger, metrics, announceChange });
    },
  };
}

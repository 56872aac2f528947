import { createDatabase } from '@tp/db';
import { createEntitlementPublisher, publishEntitlementChange } from '@tp/entitlements';
import { startFeatureFlags } from '@tp/feature-flags';
import { runService } from '@tp/http';
import { createApp } from './app';
import { loadBillingConfig } from './config';

void runService({
  name: 'billing',
  loadConfig: loadBillingConfig,
  createApp: async (parts) => {
    const { config, logger, metrics, onClose } = parts;
    const database = createDatabase(config.database);
    onClose(database.close);
    const { client: flags } = await startFeatureFlags(parts, database.db);
    const publisher = createEntitlementPublisher(config.redisUrl, logger);
    onClose(() => publisher.quit().then(undefined, () => publisher.disconnect()));
    const announceChange = async (userId: string) =>
      void (await publishEntitlementChange(publisher, config.entitlements.channel, userId, logger));
    return createApp({ config, database, flags, logger, metrics, announceChange });
  },
});

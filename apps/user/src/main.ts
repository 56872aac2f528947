import { createVerifier } from '@tp/auth';
import { createDatabase } from '@tp/db';
import { startEntitlementCache } from '@tp/entitlements';
import { startFeatureFlags } from '@tp/feature-flags';
import { runService } from '@tp/http';
import { jwksMetrics } from '@tp/metrics';
import { createApp } from './app';
import { loadUserConfig } from './config';

void runService({
  name: 'user',
  loadConfig: loadUserConfig,
  createApp: async (parts) => {
    const { config, logger, metrics, onClose } = parts;
    const database = createDatabase(config.database);
    onClose(database.close);
    const verifier = createVerifier(config.auth, jwksMetrics(metrics.registry));
    const { client: flags, subscriber } = await startFeatureFlags(parts, database.db);
    const entitlements = startEntitlementCache(parts);
    return createApp({ config, database, verifier, flags, logger, metrics, redis: subscriber, entitlements });
  },
});

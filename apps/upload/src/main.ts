import { TokenVerifier } from '@tp/auth';
import { loadConfigOrExit } from '@tp/config';
import { createDatabase } from '@tp/db';
import { connectEntitlementCache } from '@tp/entitlements';
import { connectFeatureFlags } from '@tp/feature-flags';
import { startServer } from '@tp/http';
import { createLogger } from '@tp/logging';
import { jwksMetrics, createServiceMetrics } from '@tp/metrics';
import { createApp } from './app';
import { loadUploadConfig } from './config';
import { ProcessingQueue } from './queue/processing-queue';
import { createQueueRedis } from './queue/create-redis';
import { ObjectStorage } from './storage/object-storage';
import { startUploadWorker } from './worker/start-upload-worker';

// One bundle, two processes: `main.js --worker` runs the processing worker (see worker-main.ts).
if (process.argv.includes('--worker')) {
  void startUploadWorker();
} else {
  const config = loadConfigOrExit(() => loadUploadConfig());
  const logger = createLogger({ service: 'upload', level: config.logLevel, pretty: config.logPretty });
  const database = createDatabase(config.database);
  const redis = createQueueRedis(config.redisUrl, 'producer', logger);
  const queue = new ProcessingQueue(redis, config.queue);
  const storage = new ObjectStorage(config.s3);
  const metrics = createServiceMetrics('upload');
  const verifier = new TokenVerifier({ ...config.auth, ...jwksMetrics(metrics.registry) });
  const { client: flags } = connectFeatureFlags({
    db: database.db,
    redisUrl: config.redisUrl,
    settings: config.flags,
    logger,
  });

  const entitlements = connectEntitlementCache({ redisUrl: config.redisUrl, settings: config.entitlements, logger });

  void (async () => {
    // Created at start when missing; an unreachable S3 only delays it (readiness reports it).
    await storage.ensureBucket().catch((err: unknown) => logger.warn({ err }, 'Could not ensure the upload bucket exists'));
    await flags.start();
    // Not awaited: until subscribed (Redis slow or down) every upload reads its account from the database.
    void entitlements.start();
    await startServer(createApp({ config, database, verifier, storage, queue, flags, logger, metrics, entitlements }), {
      port: config.port,
      metrics: { registry: metrics.registry, port: config.metricsPort },
      logger,
      closers: [() => queue.close(), () => redis.quit(), () => flags.close(), () => entitlements.close(), database.close],
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      // Large uploads on slow links: the edge's REQUEST_TIMEOUT_MS default (30 min) applies here too.
      requestTimeoutMs: 30 * 60_000,
      handleSignals: true,
    });
  })();
}

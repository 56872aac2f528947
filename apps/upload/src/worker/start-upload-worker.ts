import { loadConfigOrExit } from '@tp/config';
import { createDatabase } from '@tp/db';
import { createServiceApp, startServer } from '@tp/http';
import { createLogger } from '@tp/logging';
import { createServiceMetrics } from '@tp/metrics';
import { loadUploadConfig } from '../config';
import { createQueueRedis } from '../queue/create-redis';
import { ProcessingQueue } from '../queue/processing-queue';
import { ObjectStorage } from '../storage/object-storage';
import { UploadStore } from '../uploads/upload-store';
import { sweepExpiredUploads } from './sweep-expired';
import { createUploadWorker } from './upload-worker';
import { observeUploadWorker } from './worker-metrics';

/** The worker process: BullMQ consumer, expiry sweeper and a health port (UPLOAD_WORKER_PORT). */
export async function startUploadWorker(): Promise<void> {
  const config = loadConfigOrExit(() => loadUploadConfig());
  const logger = createLogger({ service: 'upload-worker', level: config.logLevel, pretty: config.logPretty });
  const database = createDatabase(config.database);
  const redis = createQueueRedis(config.redisUrl, 'worker', logger);
  const storage = new ObjectStorage(config.s3);
  const clock = () => new Date();
  const uploads = new UploadStore(database.db, clock);
  const worker = createUploadWorker({ redis, queue: config.queue, concurrency: config.worker.concurrency, uploads, storage, logger });
  // A fail-fast connection for the queue-depth gauge and health: a scrape must not wait on an outage.
  const queueRedis = createQueueRedis(config.redisUrl, 'producer', logger);
  const queue = new ProcessingQueue(queueRedis, config.queue);
  const metrics = createServiceMetrics('upload-worker');
  observeUploadWorker(worker, queue.queue, metrics.registry);
  const sweep = () =>
    sweepExpiredUploads({ uploads, storage, clock, logger }).catch((err: unknown) => logger.warn({ err }, 'Expiry sweep failed'));
  const sweeper = setInterval(sweep, config.worker.sweepIntervalMs);
  void sweep();

  const app = createServiceApp({
    logger,
    jsonLimit: false,
    metrics,
    healthChecks: [
      { name: 'postgres', required: true, readiness: true, run: database.ping },
      { name: 'queue', required: true, readiness: true, run: () => queue.ping() },
      { name: 's3', required: true, readiness: true, run: () => storage.ping() },
    ],
    routes: () => undefined,
  });
  await startServer(app, {
    port: config.workerPort,
    metrics: { registry: metrics.registry, port: config.workerMetricsPort },
    logger,
    closers: [() => clearInterval(sweeper), () => worker.close(), () => queue.close(), () => queueRedis.quit(), () => redis.quit(), database.close],
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    handleSignals: true,
  });
}

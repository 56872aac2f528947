import { loadConfigOrExit } from '@tp/config';
import { createDatabase } from '@tp/db';
import { createServiceApp, startServer } from '@tp/http';
import { createLogger } from '@tp/logging';
import { loadUploadConfig } from '../config';
import { createQueueRedis } from '../queue/create-redis';
import { ObjectStorage } from '../storage/object-storage';
import { UploadStore } from '../uploads/upload-store';
import { sweepExpiredUploads } from './sweep-expired';
import { createUploadWorker } from './upload-worker';

/** The worker process: BullMQ consumer, expiry sweeper and a health port (UPLOAD_WORKER_PORT). */
export async function startUploadWorker(): Promise<void> {
  const config = loadConfigOrExit(() => loadUploadConfig());
  const logger = createLogger({ service: 'upload-worker', level: config.logLevel, pretty: config.logPretty });
  const database = createDatabase({ url: config.databaseUrl, poolMax: config.databasePoolMax });
  const redis = createQueueRedis(config.redisUrl, 'worker', logger);
  const storage = new ObjectStorage(config.s3);
  const clock = () => new Date();
  const uploads = new UploadStore(database.db, clock);
  const worker = createUploadWorker({ redis, queue: config.queue, concurrency: config.worker.concurrency, uploads, storage, logger });
  const sweep = () =>
    sweepExpiredUploads({ uploads, storage, clock, logger }).catch((err: unknown) => logger.warn({ err }, 'Expiry sweep failed'));
  const sweeper = setInterval(sweep, config.worker.sweepIntervalMs);
  void sweep();

  const app = createServiceApp({
    logger,
    jsonLimit: false,
    healthChecks: [
      { name: 'postgres', required: true, readiness: true, run: database.ping },
      { name: 'redis', required: true, readiness: true, run: async () => void (await redis.ping()) },
      { name: 's3', required: true, readiness: true, run: () => storage.ping() },
    ],
    routes: () => undefined,
  });
  await startServer(app, {
    port: config.workerPort,
    logger,
    closers: [() => clearInterval(sweeper), () => worker.close(), () => redis.quit(), database.close],
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    handleSignals: true,
  });
}

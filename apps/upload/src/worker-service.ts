import type { Worker } from 'bullmq';
import { startDatabase } from '@tp/db';
import { createServiceApp, type RunServiceOptions } from '@tp/http';
import { loadUploadConfig, type UploadConfig } from './config';
import type { ProcessingJob } from './queue/processing-queue';
import { createQueueRedis } from './queue/create-redis';
import { ProcessingQueue } from './queue/processing-queue';
import { scheduleResumableSweep } from './resumable/resumable-sweep';
import { resumableLifecycle } from './resumable/resumable-wiring';
import { ObjectStorage } from './storage/object-storage';
import { UploadStore } from './uploads/upload-store';
import { scheduleExpirySweep } from './worker/sweep-expired';
import type { UploadWorkerDeps } from './worker/upload-worker';
import { observeUploadWorker } from './worker/worker-metrics';

/** What the worker takes from outside: main's consumer is createUploadWorker; a test may keep a handle or start it paused. */
export interface UploadWorkerCollaborators {
  consumer: (deps: UploadWorkerDeps) => Worker<ProcessingJob>;
}

/**
 * The processing worker as a process (dist/apps/upload/worker.js): BullMQ consumer, expiry
 * sweeper, and only a health port (UPLOAD_WORKER_PORT), since nothing calls it. worker-main.ts
 * runs it (runService), tests start it in-process (startService).
 */
export function uploadWorkerService(collaborators: UploadWorkerCollaborators): RunServiceOptions<UploadConfig> {
  return {
    name: 'upload-worker',
    loadConfig: loadUploadConfig,
    createApp: (parts) => {
      const { config, logger, metrics, onClose } = parts;
      const database = startDatabase(parts);
      const redis = createQueueRedis(config.redisUrl, 'worker', logger);
      onClose(() => redis.quit());
      // A fail-fast connection for the queue-depth gauge and health: a scrape must not wait on an outage.
      const queueRedis = createQueueRedis(config.redisUrl, 'producer', logger);
      onClose(() => queueRedis.quit());
      const queue = new ProcessingQueue(queueRedis, config.queue);
      onClose(() => queue.close());
      const storage = new ObjectStorage(config.s3);
      const clock = () => new Date();
      const uploads = new UploadStore(database.db, clock);
      const worker = collaborators.consumer({ redis, queue: config.queue, concurrency: config.worker.concurrency, uploads, storage, logger });
      onClose(() => worker.close());
      observeUploadWorker(worker, queue.queue, metrics.registry);
      onClose(scheduleExpirySweep({ uploads, storage, clock, logger }, config.worker.sweepIntervalMs));
      const lifecycle = resumableLifecycle({ config, database, redis: queueRedis, storage, queue, uploads, logger, clock });
      onClose(scheduleResumableSweep({ lifecycle, clock, logger }, config.worker.sweepIntervalMs));
      const healthChecks = [
        { name: 'postgres', required: true, readiness: true, run: database.ping },
        { name: 'queue', required: true, readiness: true, run: () => queue.ping() },
        { name: 's3', required: true, readiness: true, run: () => storage.ping() },
      ];
      return createServiceApp({ logger, jsonLimit: false, metrics, healthChecks, routes: () => undefined });
    },
    server: (config) => config.workerPorts,
  };
}

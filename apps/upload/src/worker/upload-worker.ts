import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@tp/logging';
import { queueTelemetry } from '@tp/telemetry';
import type { ProcessingJob, QueueSettings } from '../queue/processing-queue';
import type { ObjectStorage } from '../storage/object-storage';
import type { UploadStore } from '../uploads/upload-store';
import { FAILURE_REASONS, failureReasonOf } from '../uploads/failure-reasons';
import { uploadProcessor } from './process-upload';

export interface UploadWorkerDeps {
  redis: Redis;
  queue: QueueSettings;
  concurrency: number;
  uploads: UploadStore;
  storage: ObjectStorage;
  logger: Logger;
  /** Tests start it paused to build a backlog. */
  autorun?: boolean;
}

/** The BullMQ consumer: retries with backoff, stalled-job recovery, final failures recorded on the row. */
export function createUploadWorker(deps: UploadWorkerDeps): Worker<ProcessingJob> {
  const worker = new Worker<ProcessingJob>(deps.queue.name, uploadProcessor(deps), {
    connection: deps.redis,
    prefix: deps.queue.prefix,
    concurrency: deps.concurrency,
    autorun: deps.autorun ?? true,
    telemetry: queueTelemetry(),
    // A job whose worker died is picked up again after one stalled check, at most twice.
    stalledInterval: 30_000,
    maxStalledCount: 2,
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    const { uploadId, requestId } = job.data;
    // The whole error (S3's, the driver's) goes to the log with the upload's requestId; the
    // row, which clients read back, gets only the generic reason.
    deps.logger.warn({ err, uploadId, requestId, attempt: job.attemptsMade, final }, 'Upload processing failed');
    if (final) {
      deps.uploads
        .markFailed(uploadId, failureReasonOf(err, FAILURE_REASONS.processing))
        .catch((markErr: unknown) => deps.logger.error({ err: markErr, uploadId, requestId }, 'Could not mark upload failed'));
    }
  });
  worker.on('error', (err) => deps.logger.warn({ err: { message: err.message } }, 'Upload worker error'));
  return worker;
}

import { UnrecoverableError, type Job } from 'bullmq';
import type { ProcessingJob } from '../queue/processing-queue';
import { measureObject } from '../storage/measure-object';
import { isMissingObject, type ObjectStorage } from '../storage/object-storage';
import { FAILURE_REASONS, type FailureReason } from '../uploads/failure-reasons';
import type { UploadStore } from '../uploads/upload-store';

export interface ProcessorDeps {
  uploads: UploadStore;
  storage: ObjectStorage;
}

/** A final failure: its message (and cause) go to the log, its `failureReason` to the client. */
export class ProcessingFailure extends UnrecoverableError {
  constructor(
    message: string,
    readonly failureReason: FailureReason,
    options?: { cause?: unknown },
  ) {
    super(message);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

async function measureStored(storage: ObjectStorage, objectKey: string) {
  try {
    return await measureObject(storage, objectKey);
  } catch (err) {
    if (isMissingObject(err)) throw new ProcessingFailure(`Stored object ${objectKey} is missing`, FAILURE_REASONS.missing, { cause: err });
    throw err;
  }
}

/**
 * Reads the stored file back, checks it against what the upload recorded (size, SHA-256) and
 * records the MIME type detected from its bytes. Mismatches are final; S3/DB outages throw
 * plain errors so BullMQ retries them with backoff.
 */
export function uploadProcessor(deps: ProcessorDeps) {
  return async (job: Job<ProcessingJob>): Promise<string> => {
    const row = await deps.uploads.findById(job.data.uploadId);
    if (!row) return 'gone';
    if (row.status === 'ready') return 'ready';
    await deps.uploads.markProcessing(row.id);
    const stored = await measureStored(deps.storage, row.objectKey);
    if (stored.size !== row.size) throw new ProcessingFailure(`Size mismatch: recorded ${row.size}, stored ${stored.size}`, FAILURE_REASONS.mismatch);
    if (stored.sha256 !== row.sha256) {
      throw new ProcessingFailure(`SHA-256 mismatch: recorded ${row.sha256}, stored ${stored.sha256}`, FAILURE_REASONS.mismatch);
    }
    await deps.uploads.markReady(row.id, stored.mime);
    return 'ready';
  };
}

import type { S3Store } from '@tus/s3-store';
import { withDatabase, type UploadRow } from '@tp/db';
import { ServiceUnavailableError } from '@tp/errors';
import type { Logger } from '@tp/logging';
import type { ProcessingQueue } from '../queue/processing-queue';
import { measureObject } from '../storage/measure-object';
import type { ObjectStorage } from '../storage/object-storage';
import { refusal } from '../uploads/upload-outcome';
import type { UploaderTier } from '../uploads/uploader-tier';
import type { UploadStore } from '../uploads/upload-store';
import { sideObjectKeys } from './resumable-store';
import type { ResumableRows } from './resumable-rows';

export interface LifecycleDeps {
  rows: ResumableRows;
  uploads: UploadStore;
  storage: ObjectStorage;
  store: S3Store;
  queue: ProcessingQueue;
  logger: Logger;
}

const isTusNotFound = (err: unknown) => (err as { status_code?: unknown } | null)?.status_code === 404;

/**
 * What happens to a resumable upload after its bytes: finished, it becomes a `queued` upload
 * like any other (size, SHA-256 and MIME measured from the stored file, then the same worker,
 * priority and checksum check); unfinished past its expiry, every S3 trace of it goes.
 */
export class ResumableLifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  get rows(): ResumableRows {
    return this.deps.rows;
  }

  get store(): S3Store {
    return this.deps.store;
  }

  /**
   * Idempotent (job id = upload id), since tus calls it after the data is stored and the sweep
   * calls it again for a finish that never got this far: a row already queued is only re-enqueued.
   * Whether the upload is queued now (false: it is gone, or failed meanwhile).
   */
  async finish(id: string, requestId?: string): Promise<boolean> {
    const row = await withDatabase(() => this.deps.uploads.findById(id));
    if (!row || (row.status !== 'uploading' && row.status !== 'queued')) return false;
    if (row.status === 'uploading') {
      const facts = await measureObject(this.deps.storage, row.objectKey);
      await withDatabase(() => this.deps.uploads.recordStored(id, facts));
      await withDatabase(() => this.deps.uploads.markQueued([id]));
    }
    try {
      // A live job (the same finish running twice) is enough; a finished one would swallow the new job.
      if (!(await this.hasJob(id))) await this.deps.queue.enqueue(id, row.tier as UploaderTier, requestId);
      return true;
    } catch (err) {
      // The row stays queued: the resumable sweep enqueues it again.
      throw refusal('unavailable', new ServiceUnavailableError('Processing queue unavailable, retry shortly', { cause: err }));
    }
  }

  /** The upload's S3 multipart upload aborted, its file and side objects removed, its row retired (410 from now on). */
  async expire(row: UploadRow): Promise<void> {
    await this.removeObjects(row.id);
    await withDatabase(() => this.deps.uploads.retire(row));
  }

  /** Aborts the multipart upload (if any) and removes the file and side objects; nothing there is fine. */
  async removeObjects(id: string): Promise<void> {
    await this.deps.store.remove(id).catch((err: unknown) => {
      if (!isTusNotFound(err)) throw err;
    });
    for (const key of [id, ...sideObjectKeys(id)]) await this.deps.storage.remove(key);
  }

  /**
   * Whether the processing queue holds a live job for the upload (waiting, running or retrying).
   * A finished job of a row still `queued` is removed: BullMQ would ignore a new one with its id.
   */
  async hasJob(id: string): Promise<boolean> {
    const job = await this.deps.queue.queue.getJob(id);
    if (!job) return false;
    if (!(await job.isCompleted()) && !(await job.isFailed())) return true;
    await job.remove();
    return false;
  }

  /** Whether the stored upload has all its declared bytes (tus finished writing it). */
  async isComplete(id: string): Promise<boolean> {
    try {
      const upload = await this.deps.store.getUpload(id);
      return upload.size !== undefined && upload.offset === upload.size;
    } catch (err) {
      if (isTusNotFound(err)) return false;
      throw err;
    }
  }
}

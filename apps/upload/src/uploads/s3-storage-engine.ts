import { createHash, randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { withDatabase } from '@tp/db';
import type { Logger } from '@tp/logging';
import type { Reservation } from '../quota/reservation-rows';
import type { ObjectStorage } from '../storage/object-storage';
import { opaqueObjectKey } from '../storage/opaque-object-key';
import { FAILURE_REASONS, type FailureReason } from './failure-reasons';
import { FileMeter, FileTooLargeError } from './file-meter';
import { sanitizeFilename } from './sanitize-filename';
import { uploadContextOf, type UploadContext } from './upload-context';
import { isIncompleteBody, uploadFailure } from './upload-errors';
import type { FileSink, IncomingFile } from './upload-intake';
import type { UploadStore } from './upload-store';

/** What the intake records for a stored file (the upload context's `stored`). */
export interface StoredFile {
  id: string;
  objectKey: string;
  name: string;
  size: number;
  sha256: string;
  mime: string;
  /** Anonymous uploads only: the read-back token, returned once and stored hashed. */
  token?: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function streamingFailureReason(err: unknown): FailureReason {
  if (err instanceof FileTooLargeError) return FAILURE_REASONS.tooLarge;
  if (isIncompleteBody(err)) return FAILURE_REASONS.incomplete;
  return FAILURE_REASONS.storage;
}

/**
 * The intake's sink: streams each file part through a FileMeter into S3. Nothing is buffered
 * beyond one S3 part; a failure (limit, client gone, S3 down) aborts the S3 upload and leaves the
 * row marked failed.
 */
export class S3StorageEngine implements FileSink {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly uploads: UploadStore,
    private readonly logger: Logger,
  ) {}

  store(req: Request, file: IncomingFile): Promise<StoredFile> {
    const context = uploadContextOf(req);
    // busboy's events run outside the request's async context: name the request explicitly.
    const requestId = String(req.id);
    // A batch's files are stored one after the other. busboy announces the next file as soon as
    // the previous one's bytes were read, while its last S3 part and the completion are still
    // under way; starting it then held two more part buffers (a 1 GB batch peaked at four).
    // Until the next file is read, busboy and the client wait (backpressure), nothing piles up.
    const previous = context.storing;
    const stored = previous ? previous.then(() => this.persistUnlessFailed(file, context, requestId)) : this.persist(file, context, requestId);
    // Settled before the caller hears of it, so a next file sees this one's failure.
    context.storing = stored.then(
      () => undefined,
      (err: unknown) => {
        context.failure ??= uploadFailure(err, context);
      },
    );
    return stored;
  }

  async remove(_req: Request, file: StoredFile): Promise<void> {
    await this.discard(file.id, file.objectKey, FAILURE_REASONS.batch);
  }

  /** The next file of a batch, unless an earlier one failed (the intake is answering that failure). */
  private persistUnlessFailed(file: IncomingFile, context: UploadContext, requestId: string): Promise<StoredFile> {
    if (context.failure === undefined) return this.persist(file, context, requestId);
    file.stream.resume();
    return Promise.reject(context.failure);
  }

  /** The request's reservation, or (a batch's next file) a new one; refused: nothing of the file is stored. */
  private async reservationFor(file: IncomingFile, context: UploadContext): Promise<Reservation | undefined> {
    const reserved = context.reservation;
    context.reservation = undefined;
    if (reserved || !context.reserveNext) return reserved;
    return context.reserveNext().catch((err: unknown) => {
      file.stream.resume();
      throw err;
    });
  }

  private async persist(file: IncomingFile, context: UploadContext, requestId: string): Promise<StoredFile> {
    const token = context.tier === 'ANONYMOUS' ? randomBytes(24).toString('base64url') : undefined;
    // Each file fills the row a quota reservation created (before its bytes were read).
    const reserved = await this.reservationFor(file, context);
    const objectKey = reserved?.objectKey ?? opaqueObjectKey();
    const name = sanitizeFilename(file.originalname);
    const meter = new FileMeter(context.maxFileSizeBytes);
    // On any failure stop reading: the client waits (backpressure) instead of sending more while
    // the S3 upload is aborted, and the intake then answers (early); the rest is discarded, bounded.
    meter.on('error', () => file.stream.unpipe(meter));
    file.stream.on('error', (err) => meter.destroy(err));
    const tokenHash = token ? sha256(token) : undefined;
    const row = await withDatabase(() =>
      reserved
        ? this.uploads.claim(reserved.id, { name, tokenHash })
        : this.uploads.insert({
            objectKey,
            name,
            tier: context.tier,
            userId: context.userId,
            ipHash: context.ipHash,
            tokenHash,
            expiresAt: context.expiresAt,
          }),
    ).catch((err: unknown) => {
      file.stream.resume();
      throw err;
    });
    try {
      // Destroyed while the row was written (a truncated form, the client gone): it will never end.
      if (file.stream.destroyed) throw file.stream.errored ?? new Error('Unexpected end of file');
      file.stream.pipe(meter);
      await this.storage.write(objectKey, meter, () => meter.mime());
      const facts = await meter.result();
      await withDatabase(() => this.uploads.recordStored(row.id, facts));
      context.storedBytes = (context.storedBytes ?? 0) + facts.size;
      return { id: row.id, objectKey, name, ...facts, ...(token ? { token } : {}) };
    } catch (err) {
      meter.destroy();
      const reason = streamingFailureReason(err);
      // The client reads only the generic reason; what S3 or the parser said stays here.
      const fields = { requestId, uploadId: row.id, reason };
      if (reason === FAILURE_REASONS.storage) this.logger.warn({ ...fields, err }, 'Upload could not be stored');
      else this.logger.info({ ...fields, err: { message: err instanceof Error ? err.message : String(err) } }, 'Upload stopped');
      await this.discard(row.id, objectKey, reason);
      throw err;
    }
  }

  /** Best effort: the object (if any) goes, the row stays as failed with the reason. */
  private async discard(id: string, objectKey: string, reason: FailureReason): Promise<void> {
    await this.storage.remove(objectKey).catch((err: unknown) => this.logger.warn({ err, objectKey }, 'Could not remove a failed upload'));
    await this.uploads.markFailed(id, reason).catch((err: unknown) => this.logger.warn({ err, id }, 'Could not mark an upload failed'));
  }
}

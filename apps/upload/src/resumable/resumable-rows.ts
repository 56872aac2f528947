import { and, count, eq, isNotNull, lt, ne } from 'drizzle-orm';
import { uploads, type Db, type UploadRow } from '@tp/db';
import { claimReservation } from '../uploads/upload-store';

export interface ResumableFields {
  /** The tus id is the upload id, and @tus/s3-store keeps the file under its id. */
  objectKey: string;
  name: string;
  resumableExpiresAt: Date;
  batchId?: string;
}

/** The uploads rows of resumable (tus) uploads: a reservation row claimed at creation, swept when unfinished past its expiry. */
export class ResumableRows {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date,
  ) {}

  /** Turns an account storage reservation (AccountStorageQuota) into a resumable upload. */
  claim(id: string, fields: ResumableFields): Promise<UploadRow> {
    return claimReservation(this.db, this.clock, id, fields);
  }

  /** Resumable uploads of one PREMIUM batch that are stored or still uploading. */
  async batchSize(userId: string, batchId: string): Promise<number> {
    const [row] = await this.db
      .select({ files: count() })
      .from(uploads)
      .where(and(eq(uploads.userId, userId), eq(uploads.batchId, batchId), ne(uploads.status, 'failed')));
    return row?.files ?? 0;
  }

  /** Unfinished resumable uploads past their expiry, oldest first. */
  async findExpired(now: Date, limit: number): Promise<UploadRow[]> {
    return this.db
      .select()
      .from(uploads)
      .where(and(isNotNull(uploads.resumableExpiresAt), eq(uploads.status, 'uploading'), lt(uploads.resumableExpiresAt, now)))
      .orderBy(uploads.resumableExpiresAt)
      .limit(limit);
  }

  /** Resumable uploads in `status` untouched since `before`: candidates for a finish or a job that never happened. */
  async findStale(status: 'uploading' | 'queued', before: Date, limit: number): Promise<UploadRow[]> {
    return this.db
      .select()
      .from(uploads)
      .where(and(isNotNull(uploads.resumableExpiresAt), eq(uploads.status, status), lt(uploads.updatedAt, before)))
      .orderBy(uploads.updatedAt)
      .limit(limit);
  }

  /** Stamps a row as looked at, so one sweep does not look at it again before the next. */
  async touch(id: string): Promise<void> {
    await this.db.update(uploads).set({ updatedAt: this.clock() }).where(eq(uploads.id, id));
  }
}

import { and, eq, inArray, isNotNull, lt } from 'drizzle-orm';
import { expiredUploads, uploads, type Db, type ExpiredUploadRow, type UploadRow } from '@tp/db';
import type { FailureReason } from './failure-reasons';

export interface NewUpload {
  objectKey: string;
  name: string;
  tier: string;
  userId?: string;
  ipHash?: string;
  tokenHash?: string;
  expiresAt?: Date;
}

export interface StoredFacts {
  size: number;
  sha256: string;
  mime: string;
}

/**
 * Fills a reservation row (a quota's `uploading` row) with what the upload now knows; a
 * reservation released or swept meanwhile is gone, and the upload with it.
 */
export async function claimReservation(db: Db, clock: () => Date, id: string, fields: Partial<typeof uploads.$inferInsert>): Promise<UploadRow> {
  const rows = await db
    .update(uploads)
    .set({ ...fields, updatedAt: clock() })
    .where(and(eq(uploads.id, id), eq(uploads.status, 'uploading')))
    .returning();
  if (!rows[0]) throw new Error('The upload reservation is gone');
  return rows[0];
}

/** Data access for the uploads table; nothing here knows about HTTP or S3. */
export class UploadStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date,
  ) {}

  async insert(upload: NewUpload): Promise<UploadRow> {
    const rows = await this.db.insert(uploads).values({ ...upload, status: 'uploading' }).returning();
    return rows[0]!;
  }

  /** Fills a reservation row (see AnonymousQuota) with the file's name and read-back token. */
  claim(id: string, fields: { name: string; tokenHash?: string }): Promise<UploadRow> {
    return claimReservation(this.db, this.clock, id, fields);
  }

  async findById(id: string): Promise<UploadRow | undefined> {
    const rows = await this.db.select().from(uploads).where(eq(uploads.id, id)).limit(1);
    return rows[0];
  }

  async recordStored(id: string, facts: StoredFacts): Promise<void> {
    await this.db.update(uploads).set({ ...facts, updatedAt: this.clock() }).where(eq(uploads.id, id));
  }

  async markQueued(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.update(uploads).set({ status: 'queued', updatedAt: this.clock() }).where(inArray(uploads.id, ids));
  }

  async markProcessing(id: string): Promise<void> {
    await this.db.update(uploads).set({ status: 'processing', updatedAt: this.clock() }).where(eq(uploads.id, id));
  }

  async markReady(id: string, mime: string): Promise<void> {
    await this.db
      .update(uploads)
      .set({ status: 'ready', mime, failureReason: null, updatedAt: this.clock() })
      .where(eq(uploads.id, id));
  }

  /** Only one of FAILURE_REASONS: the column is shown to clients as `failureReason`. */
  async markFailed(id: string, reason: FailureReason): Promise<void> {
    await this.db
      .update(uploads)
      .set({ status: 'failed', failureReason: reason, updatedAt: this.clock() })
      .where(eq(uploads.id, id));
  }

  /** Uploads (anonymous or signed in) whose time is up, oldest first. */
  async findExpired(now: Date, limit: number): Promise<UploadRow[]> {
    return this.db
      .select()
      .from(uploads)
      .where(and(isNotNull(uploads.expiresAt), lt(uploads.expiresAt, now)))
      .orderBy(uploads.expiresAt)
      .limit(limit);
  }

  async delete(id: string): Promise<void> {
    await this.db.delete(uploads).where(eq(uploads.id, id));
  }

  /**
   * Deletes an expired upload's row, leaving the tombstone its owner's status read answers 410
   * from. Tombstone first: a crash in between leaves the row, which the next sweep retires again.
   */
  async retire(row: UploadRow): Promise<void> {
    await this.db.insert(expiredUploads).values({ id: row.id, userId: row.userId, tokenHash: row.tokenHash }).onConflictDoNothing();
    await this.db.delete(uploads).where(eq(uploads.id, row.id));
  }

  async findExpiredTombstone(id: string): Promise<ExpiredUploadRow | undefined> {
    const rows = await this.db.select().from(expiredUploads).where(eq(expiredUploads.id, id)).limit(1);
    return rows[0];
  }

  /** Tombstones older than `before` go: after that an expired upload's status is a plain 404. */
  async purgeTombstones(before: Date): Promise<void> {
    await this.db.delete(expiredUploads).where(lt(expiredUploads.expiredAt, before));
  }
}

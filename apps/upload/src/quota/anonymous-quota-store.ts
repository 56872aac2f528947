import { and, eq, gt, min, ne, sql } from 'drizzle-orm';
import { inTransaction, uploads, type Database, type DbTransaction } from '@tp/db';
import { FAILURE_REASONS } from '../uploads/failure-reasons';

/** One counted upload of an IP hash: its size once stored, its reservation while it streams. */
export interface CountedUpload {
  createdAt: Date;
  bytes: number;
}

export interface StoredAnonymous {
  bytes: number;
  /** When the next anonymous upload expires (and frees its bytes), if any is stored. */
  nextExpiry: Date | null;
}

export interface Reservation {
  id: string;
  objectKey: string;
}

export interface NewReservation {
  objectKey: string;
  ipHash: string;
  ipNetworkHash: string;
  expiresAt: Date;
  reservedBytes: number;
}

/** The bytes an upload row holds against the quotas: failed rows hold none (filtered out). */
const heldBytes = sql<number>`coalesce(${uploads.size}, ${uploads.reservedBytes}, 0)`.mapWith(Number);

// Every anonymous reservation takes this one transaction-scoped lock, so two uploads (from one IP
// or not) never both read the usage before either's reservation row exists. Held for a few ms.
const QUOTA_LOCK = sql`SELECT pg_advisory_xact_lock(7303410811)`;

/** The anonymous quota's reads and reservation rows, in the uploads table itself. */
export class AnonymousQuotaStore {
  constructor(private readonly database: Database) {}

  /** Runs `work` in a transaction holding the quota lock. */
  locked<T>(work: (tx: DbTransaction) => Promise<T>): Promise<T> {
    return inTransaction(this.database.pool, async (tx) => {
      await tx.execute(QUOTA_LOCK);
      return work(tx);
    });
  }

  /** The client's (or, `network`, its wider network's) uploads since `since` that are stored or streaming, oldest first. */
  async countedSince(tx: DbTransaction, scope: 'client' | 'network', hash: string, since: Date): Promise<CountedUpload[]> {
    const column = scope === 'client' ? uploads.ipHash : uploads.ipNetworkHash;
    return tx
      .select({ createdAt: uploads.createdAt, bytes: heldBytes })
      .from(uploads)
      .where(and(eq(column, hash), gt(uploads.createdAt, since), ne(uploads.status, 'failed')))
      .orderBy(uploads.createdAt);
  }

  async storedAnonymous(tx: DbTransaction): Promise<StoredAnonymous> {
    const [row] = await tx
      .select({ bytes: sql<number>`coalesce(sum(${heldBytes}), 0)`.mapWith(Number), nextExpiry: min(uploads.expiresAt) })
      .from(uploads)
      .where(and(eq(uploads.tier, 'ANONYMOUS'), ne(uploads.status, 'failed')));
    return { bytes: row?.bytes ?? 0, nextExpiry: row?.nextExpiry ?? null };
  }

  /** The row the upload will fill: `uploading`, named `file` until its part header arrives. */
  async insertReservation(tx: DbTransaction, reservation: NewReservation): Promise<Reservation> {
    const [row] = await tx
      .insert(uploads)
      .values({ ...reservation, name: 'file', tier: 'ANONYMOUS', status: 'uploading' })
      .returning({ id: uploads.id, objectKey: uploads.objectKey });
    return row!;
  }

  /** A reservation no file filled (refused, cut, malformed): it stops counting. No-op once used. */
  async release(id: string): Promise<void> {
    await this.database.db
      .update(uploads)
      .set({ status: 'failed', failureReason: FAILURE_REASONS.incomplete, updatedAt: new Date() })
      .where(and(eq(uploads.id, id), eq(uploads.status, 'uploading')));
  }
}

import { and, eq, gt, min, ne, sql } from 'drizzle-orm';
import { uploads, type Database, type DbTransaction } from '@tp/db';
import { heldBytes } from '@tp/tiers';
import { insertReservation, lockedTransaction, releaseReservation, type Reservation } from './reservation-rows';

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

export interface NewReservation {
  objectKey: string;
  ipHash: string;
  ipNetworkHash: string;
  expiresAt: Date;
  reservedBytes: number;
}

// Every anonymous reservation takes this one transaction-scoped lock, so two uploads (from one IP
// or not) never both read the usage before either's reservation row exists. Held for a few ms.
const QUOTA_LOCK = sql`SELECT pg_advisory_xact_lock(7303410811)`;

/** The anonymous quota's reads and reservation rows, in the uploads table itself. */
export class AnonymousQuotaStore {
  constructor(private readonly database: Database) {}

  /** Runs `work` in a transaction holding the quota lock. */
  locked<T>(work: (tx: DbTransaction) => Promise<T>): Promise<T> {
    return lockedTransaction(this.database, QUOTA_LOCK, work);
  }

  /** The client's (or, `network`, its wider network's) uploads since `since` that are stored or streaming, oldest first. */
  async countedSince(tx: DbTransaction, scope: 'client' | 'network', hash: string, since: Date): Promise<CountedUpload[]> {
    const column = scope === 'client' ? uploads.ipHash : uploads.ipNetworkHash;
    return tx
      .select({ createdAt: uploads.createdAt, bytes: heldBytes.mapWith(Number) })
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

  /** The row the upload will fill (reservation-rows), of tier ANONYMOUS. */
  insertReservation(tx: DbTransaction, reservation: NewReservation): Promise<Reservation> {
    return insertReservation(tx, { ...reservation, tier: 'ANONYMOUS' });
  }

  /** A reservation no file filled stops counting (reservation-rows). */
  release(id: string): Promise<void> {
    return releaseReservation(this.database.db, id);
  }
}

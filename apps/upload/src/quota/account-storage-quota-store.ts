import { and, eq, ne, sql } from 'drizzle-orm';
import { inTransaction, uploads, type Database, type DbTransaction } from '@tp/db';
import { accountStorageUsage, heldBytes, type StorageUsage, type Tier } from '@tp/tiers';
import { FAILURE_REASONS } from '../uploads/failure-reasons';
import type { Reservation } from './anonymous-quota-store';

/** One upload an account holds: when it started, when it expires, and its bytes. */
export interface HeldUpload {
  createdAt: Date;
  expiresAt: Date | null;
  bytes: number;
}

export interface NewAccountReservation {
  objectKey: string;
  userId: string;
  tier: Tier;
  expiresAt: Date;
  reservedBytes: number;
}

// One transaction-scoped lock per account (namespace, hash of the user id): two uploads of one
// account never both read the usage before either's reservation row exists. Held for a few ms.
const ACCOUNT_LOCK_NAMESPACE = 730_341_082;
const lockAccount = (userId: string) => sql`SELECT pg_advisory_xact_lock(${ACCOUNT_LOCK_NAMESPACE}, hashtext(${userId}))`;

/** The account storage quota's reads and reservation rows, in the uploads table itself. */
export class AccountStorageQuotaStore {
  constructor(private readonly database: Database) {}

  /** Runs `work` in a transaction holding the account's quota lock. */
  locked<T>(userId: string, work: (tx: DbTransaction) => Promise<T>): Promise<T> {
    return inTransaction(this.database.pool, async (tx) => {
      await tx.execute(lockAccount(userId));
      return work(tx);
    });
  }

  /** The shared reading (libs/tiers), the same one GET /user/limits shows. */
  usage(tx: DbTransaction, userId: string, now: Date, windowMs: number): Promise<StorageUsage> {
    return accountStorageUsage(tx, userId, now, windowMs);
  }

  /** Every upload the account holds (for Retry-After only, read when refusing). */
  async held(tx: DbTransaction, userId: string): Promise<HeldUpload[]> {
    return tx
      .select({ createdAt: uploads.createdAt, expiresAt: uploads.expiresAt, bytes: heldBytes.mapWith(Number) })
      .from(uploads)
      .where(and(eq(uploads.userId, userId), ne(uploads.status, 'failed')))
      .orderBy(uploads.createdAt);
  }

  /** The row the next file fills: `uploading`, named `file` until its part header arrives. */
  async insertReservation(tx: DbTransaction, reservation: NewAccountReservation): Promise<Reservation> {
    const [row] = await tx
      .insert(uploads)
      .values({ ...reservation, name: 'file', status: 'uploading' })
      .returning({ id: uploads.id, objectKey: uploads.objectKey });
    return row!;
  }

  /** A reservation no file filled (refused, cut, malformed): it stops counting. No-op once queued. */
  async release(id: string): Promise<void> {
    await this.database.db
      .update(uploads)
      .set({ status: 'failed', failureReason: FAILURE_REASONS.incomplete, updatedAt: new Date() })
      .where(and(eq(uploads.id, id), eq(uploads.status, 'uploading')));
  }
}

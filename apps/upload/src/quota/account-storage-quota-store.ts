import { and, eq, ne, sql } from 'drizzle-orm';
import { uploads, type Database, type DbTransaction } from '@tp/db';
import { accountStorageUsage, heldBytes, type StorageUsage, type Tier } from '@tp/tiers';
import { insertReservation, lockedTransaction, releaseReservation, type Reservation } from './reservation-rows';

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
    return lockedTransaction(this.database, lockAccount(userId), work);
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

  /** The row the next file fills (reservation-rows). */
  insertReservation(tx: DbTransaction, reservation: NewAccountReservation): Promise<Reservation> {
    return insertReservation(tx, reservation);
  }

  /** A reservation no file filled stops counting (reservation-rows). */
  release(id: string): Promise<void> {
    return releaseReservation(this.database.db, id);
  }
}

import { and, eq, type SQL } from 'drizzle-orm';
import { inTransaction, uploads, type Database, type Db, type DbTransaction } from '@tp/db';
import { FAILURE_REASONS } from '../uploads/failure-reasons';

/** A reserved upload row: the id the file fills and the object key it is stored under. */
export interface Reservation {
  id: string;
  objectKey: string;
}

/** What a quota reserves: the row's owner, tier, expiry, object key and reserved bytes. */
export type ReservationValues = Omit<typeof uploads.$inferInsert, 'name' | 'status'>;

// Both quotas (anonymous, account storage) reserve the same way: under their lock, an `uploading`
// row the intake fills, or releases when no file filled it. Only their locks and reads differ.

/** Runs `work` in a transaction that first takes `lock` (a transaction-scoped advisory lock, held for a few ms). */
export function lockedTransaction<T>(database: Database, lock: SQL, work: (tx: DbTransaction) => Promise<T>): Promise<T> {
  return inTransaction(database.pool, async (tx) => {
    await tx.execute(lock);
    return work(tx);
  });
}

/** The row the next file fills: `uploading`, named `file` until its part header arrives. */
export async function insertReservation(tx: DbTransaction, values: ReservationValues): Promise<Reservation> {
  const [row] = await tx
    .insert(uploads)
    .values({ ...values, name: 'file', status: 'uploading' })
    .returning({ id: uploads.id, objectKey: uploads.objectKey });
  return row!;
}

/** A reservation no file filled (refused, cut, malformed): it stops counting. No-op once queued. */
export async function releaseReservation(db: Db, id: string): Promise<void> {
  await db
    .update(uploads)
    .set({ status: 'failed', failureReason: FAILURE_REASONS.incomplete, updatedAt: new Date() })
    .where(and(eq(uploads.id, id), eq(uploads.status, 'uploading')));
}

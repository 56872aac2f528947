import { and, eq, ne, sql } from 'drizzle-orm';
import { uploads, type Db, type DbTransaction } from '@tp/db';

/** An account's usage of its storage limits (see StorageLimits), at one instant. */
export interface StorageUsage {
  /** Bytes held now: uploads not expired, stored (their size) or streaming (their reservation). */
  storedBytes: number;
  /** Uploads started in the rolling window (stored or streaming). */
  windowFiles: number;
  /** Their bytes. */
  windowBytes: number;
}

/** What an upload row holds: its size once stored, its reservation while it streams. Failed rows hold nothing. */
export const heldBytes = sql<number>`coalesce(${uploads.size}, ${uploads.reservedBytes}, 0)`;

/**
 * The one reading of an account's storage usage: the upload service decides with it (inside its
 * quota lock) and the user service shows it, so "remaining" is what the next upload is checked
 * against. The counters are the uploads rows themselves; failed rows never count.
 */
export async function accountStorageUsage(db: Db | DbTransaction, userId: string, now: Date, windowMs: number): Promise<StorageUsage> {
  const since = new Date(now.getTime() - windowMs);
  const live = sql`(${uploads.expiresAt} IS NULL OR ${uploads.expiresAt} > ${now.toISOString()})`;
  const inWindow = sql`${uploads.createdAt} > ${since.toISOString()}`;
  const [row] = await db
    .select({
      storedBytes: sql<number>`coalesce(sum(${heldBytes}) FILTER (WHERE ${live}), 0)`.mapWith(Number),
      windowFiles: sql<number>`count(*) FILTER (WHERE ${inWindow})`.mapWith(Number),
      windowBytes: sql<number>`coalesce(sum(${heldBytes}) FILTER (WHERE ${inWindow}), 0)`.mapWith(Number),
    })
    .from(uploads)
    .where(and(eq(uploads.userId, userId), ne(uploads.status, 'failed')));
  return { storedBytes: row?.storedBytes ?? 0, windowFiles: row?.windowFiles ?? 0, windowBytes: row?.windowBytes ?? 0 };
}

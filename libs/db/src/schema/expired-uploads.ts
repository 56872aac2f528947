import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * What is left of an upload the expiry sweep deleted (object and row): enough for its owner's
 * status read to answer 410 `gone` rather than 404. Purged by the sweep after a while.
 */
export const expiredUploads = pgTable(
  'expired_uploads',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id'),
    /** SHA-256 of an anonymous upload's read-back token, as it was in the row. */
    tokenHash: text('token_hash'),
    expiredAt: timestamp('expired_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('expired_uploads_expired_idx').on(table.expiredAt)],
);

export type ExpiredUploadRow = typeof expiredUploads.$inferSelect;

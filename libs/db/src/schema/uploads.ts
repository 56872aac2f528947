import { bigint, index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

export const uploadStatusEnum = pgEnum('upload_status', ['uploading', 'queued', 'processing', 'ready', 'failed']);

/** One stored file. Anonymous uploads have no user but an IP hash, a read-back token hash and an expiry. */
export const uploads = pgTable(
  'uploads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** HMAC-SHA256 of the client IP with a server secret; never the raw IP. */
    ipHash: text('ip_hash'),
    /** HMAC-SHA256 of the client's wider network (its IPv6 /48; an IPv4 address itself): a second, 10× quota. */
    ipNetworkHash: text('ip_network_hash'),
    /** SHA-256 of the anonymous read-back token; the token itself is only returned once. */
    tokenHash: text('token_hash'),
    objectKey: text('object_key').notNull().unique(),
    name: text('name').notNull(),
    size: bigint('size', { mode: 'number' }),
    /** Anonymous uploads: bytes held against the quotas while the file streams (its size once stored). */
    reservedBytes: bigint('reserved_bytes', { mode: 'number' }),
    sha256: text('sha256'),
    mime: text('mime'),
    tier: text('tier').notNull(),
    status: uploadStatusEnum('status').notNull().default('uploading'),
    failureReason: text('failure_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** Resumable (tus) uploads only: an unfinished upload is swept (parts aborted, 410) after this. */
    resumableExpiresAt: timestamp('resumable_expires_at', { withTimezone: true }),
    /** A PREMIUM batch of resumable uploads (its id from Upload-Metadata), counted like a multipart batch. */
    batchId: text('batch_id'),
  },
  (table) => [
    index('uploads_user_idx').on(table.userId, table.createdAt),
    index('uploads_expires_idx').on(table.expiresAt),
    // The anonymous quota counts one IP hash's uploads of the last window.
    index('uploads_ip_hash_idx').on(table.ipHash, table.createdAt),
    index('uploads_ip_network_hash_idx').on(table.ipNetworkHash, table.createdAt),
    // The resumable sweep reads unfinished resumable uploads by their expiry.
    index('uploads_resumable_expires_idx').on(table.resumableExpiresAt),
  ],
);

export type UploadRow = typeof uploads.$inferSelect;
export type NewUploadRow = typeof uploads.$inferInsert;

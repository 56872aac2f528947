import { pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const tierEnum = pgEnum('tier', ['FREE', 'PREMIUM']);

/** App users, created lazily on their first authenticated request (keyed by Keycloak's `sub`). */
export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  keycloakId: text('keycloak_id').notNull().unique(),
  email: text('email'),
  username: text('username'),
  tier: tierEnum('tier').notNull().default('FREE'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;

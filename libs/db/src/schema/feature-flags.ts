import { sql } from 'drizzle-orm';
import { boolean, check, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { tierEnum } from './users';

/** Database feature flags, evaluated by the flags service and by every service's local cache. */
export const featureFlags = pgTable(
  'feature_flags',
  {
    key: text('key').primaryKey(),
    description: text('description').notNull().default(''),
    enabled: boolean('enabled').notNull().default(false),
    rolloutPercentage: integer('rollout_percentage').notNull().default(100),
    tiers: tierEnum('tiers').array().notNull().default(sql`'{}'::tier[]`),
    allowUserIds: text('allow_user_ids').array().notNull().default(sql`'{}'::text[]`),
    denyUserIds: text('deny_user_ids').array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text('updated_by'),
  },
  (table) => [check('feature_flags_rollout_range', sql`${table.rolloutPercentage} BETWEEN 0 AND 100`)],
);

export type FeatureFlagRow = typeof featureFlags.$inferSelect;
export type NewFeatureFlagRow = typeof featureFlags.$inferInsert;

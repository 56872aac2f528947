import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Every verified Paddle webhook, keyed by event_id: the primary key is what makes a
 * redelivery (or two racing deliveries) apply at most once.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    eventId: text('event_id').primaryKey(),
    eventType: text('event_type').notNull(),
    notificationId: text('notification_id'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    payload: jsonb('payload').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    /** applied | stale | unmatched | unsupported | failed */
    outcome: text('outcome'),
    /** Our users.id (from custom_data.userId or a known customer), when known. */
    userId: uuid('user_id'),
    subscriptionId: text('subscription_id'),
    customerId: text('customer_id'),
  },
  (table) => [
    index('webhook_events_unmatched_idx').on(table.outcome, table.userId),
    index('webhook_events_customer_idx').on(table.customerId),
  ],
);

/** Paddle customer → our user, remembered so events without custom_data still link. */
export const paddleCustomers = pgTable('paddle_customers', {
  customerId: text('customer_id').primaryKey(),
  userId: uuid('user_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Latest known state of each Paddle subscription; last_event_at guards against out-of-order events. */
export const subscriptions = pgTable(
  'subscriptions',
  {
    paddleSubscriptionId: text('paddle_subscription_id').primaryKey(),
    customerId: text('customer_id').notNull(),
    /** No foreign key: an event may name a user this database has not seen sign in yet. */
    userId: uuid('user_id'),
    status: text('status').notNull(),
    priceId: text('price_id'),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
    scheduledChange: jsonb('scheduled_change'),
    canceledAt: timestamp('canceled_at', { withTimezone: true }),
    lastEventAt: timestamp('last_event_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('subscriptions_user_idx').on(table.userId), index('subscriptions_customer_idx').on(table.customerId)],
);

export type WebhookEventRow = typeof webhookEvents.$inferSelect;
export type SubscriptionRow = typeof subscriptions.$inferSelect;

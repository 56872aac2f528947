import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
    /** The first item's price, as written before 0005; kept for a rollback. The rule reads subscription_items. */
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

/**
 * Every item of a subscription as of its latest applied event (replaced as a whole by each one).
 * The entitlement rule reads these: PREMIUM needs an item with a price in PADDLE_PREMIUM_PRICE_IDS.
 */
export const subscriptionItems = pgTable(
  'subscription_items',
  {
    paddleSubscriptionId: text('paddle_subscription_id')
      .notNull()
      .references(() => subscriptions.paddleSubscriptionId, { onDelete: 'cascade' }),
    priceId: text('price_id').notNull(),
    /** Paddle's item status: active | trialing | inactive. */
    status: text('status').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (table) => [primaryKey({ columns: [table.paddleSubscriptionId, table.priceId] }), index('subscription_items_price_idx').on(table.priceId)],
);

export type WebhookEventRow = typeof webhookEvents.$inferSelect;
export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type SubscriptionItemRow = typeof subscriptionItems.$inferSelect;

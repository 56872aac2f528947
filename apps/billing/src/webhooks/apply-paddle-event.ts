import type { BillingStore, EventResult } from './billing-store';
import {
  subscriptionDataSchema,
  transactionDataSchema,
  userIdFromCustomData,
  type PaddleEvent,
  type SubscriptionData,
} from './paddle-event';

export const SUBSCRIPTION_EVENTS: ReadonlySet<string> = new Set([
  'subscription.created',
  'subscription.activated',
  'subscription.updated',
  'subscription.trialing',
  'subscription.past_due',
  'subscription.paused',
  'subscription.resumed',
  'subscription.canceled',
]);

export const TRANSACTION_EVENTS: ReadonlySet<string> = new Set(['transaction.completed', 'transaction.paid', 'transaction.payment_failed']);

const nothing = { userId: null, subscriptionId: null, customerId: null };

/** custom_data.userId wins (and teaches us the customer); otherwise a customer we linked before. */
async function resolveUser(store: BillingStore, customerId: string | null, customData: Record<string, unknown> | null | undefined) {
  const fromCheckout = userIdFromCustomData(customData);
  if (fromCheckout) {
    if (customerId) await store.linkCustomer(customerId, fromCheckout);
    return fromCheckout;
  }
  return customerId ? ((await store.userForCustomer(customerId)) ?? null) : null;
}

/** `unmatched` keeps the row for a user this database has not seen sign in yet (or no user at all). */
async function matchOutcome(store: BillingStore, userId: string | null): Promise<'applied' | 'unmatched'> {
  return userId && (await store.userExists(userId)) ? 'applied' : 'unmatched';
}

function stateOf(data: SubscriptionData, userId: string | null, occurredAt: Date) {
  return {
    paddleSubscriptionId: data.id,
    customerId: data.customer_id,
    userId,
    status: data.status,
    priceId: data.items.find((item) => item.price)?.price?.id ?? null,
    currentPeriodEnd: data.current_billing_period ? new Date(data.current_billing_period.ends_at) : null,
    scheduledChange: data.scheduled_change ?? null,
    canceledAt: data.canceled_at ? new Date(data.canceled_at) : null,
    lastEventAt: occurredAt,
  };
}

async function applySubscriptionEvent(store: BillingStore, event: PaddleEvent, now: Date): Promise<EventResult> {
  const parsed = subscriptionDataSchema.safeParse(event.data);
  if (!parsed.success) return { outcome: 'failed', ...nothing };
  const data = parsed.data;
  const userId = await resolveUser(store, data.customer_id, data.custom_data);
  const written = await store.upsertSubscription(stateOf(data, userId, event.occurredAt), now);
  const outcome = written ? await matchOutcome(store, userId) : 'stale';
  return { outcome, userId, subscriptionId: data.id, customerId: data.customer_id };
}

/**
 * Transactions carry no subscription state of their own (Paddle follows a failed payment with
 * subscription.past_due): they only link the customer to the user from checkout's custom_data.
 */
async function applyTransactionEvent(store: BillingStore, event: PaddleEvent): Promise<EventResult> {
  const parsed = transactionDataSchema.safeParse(event.data);
  if (!parsed.success) return { outcome: 'failed', ...nothing };
  const data = parsed.data;
  const customerId = data.customer_id ?? null;
  const userId = await resolveUser(store, customerId, data.custom_data);
  return { outcome: await matchOutcome(store, userId), userId, subscriptionId: data.subscription_id ?? null, customerId };
}

export function applyPaddleEvent(store: BillingStore, event: PaddleEvent, now: Date): Promise<EventResult> {
  if (SUBSCRIPTION_EVENTS.has(event.eventType)) return applySubscriptionEvent(store, event, now);
  if (TRANSACTION_EVENTS.has(event.eventType)) return applyTransactionEvent(store, event);
  return Promise.resolve({ outcome: 'unsupported', ...nothing });
}

import { unmappedPrices, type PremiumPriceIds, type SubscriptionItemFacts } from '@tp/entitlements';
import type { BillingStore, EventResult } from './billing-store';
import { resolveBinding, type Binding, type BindingConflict } from './event-binding';
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

/** Money received: only these transactions bind a customer (never a failed, canceled or draft one). */
const BINDING_TRANSACTIONS: ReadonlySet<string> = new Set(['transaction.completed', 'transaction.paid']);
const PAID_STATUSES: ReadonlySet<string> = new Set(['paid', 'completed']);

/** What an operator must see: logged (warn) and counted by the webhook route. */
export type BillingNotice =
  | { kind: 'binding_conflict'; eventType: string; conflict: BindingConflict }
  | { kind: 'unmapped_prices'; subscriptionId: string; priceIds: string[] };

export interface Applied {
  result: EventResult;
  notices: BillingNotice[];
}

export interface ApplyContext {
  store: BillingStore;
  now: Date;
  premiumPriceIds: PremiumPriceIds;
}

const nothing = { userId: null, subscriptionId: null, customerId: null };
const only = (result: EventResult, notices: BillingNotice[] = []): Applied => ({ result, notices });

/** `unmatched` keeps the row for a user this database has not seen sign in yet (or no user at all). */
async function matchOutcome(store: BillingStore, userId: string | null): Promise<'applied' | 'unmatched'> {
  return userId && (await store.userExists(userId)) ? 'applied' : 'unmatched';
}

/** Every item with a price, one per price (Paddle lists a price once per subscription). */
function itemsOf(data: SubscriptionData): SubscriptionItemFacts[] {
  const byPrice = new Map<string, SubscriptionItemFacts>();
  for (const item of data.items) {
    if (item.price) byPrice.set(item.price.id, { priceId: item.price.id, status: item.status, quantity: item.quantity });
  }
  return [...byPrice.values()];
}

function stateOf(data: SubscriptionData, userId: string | null, occurredAt: Date) {
  return {
    paddleSubscriptionId: data.id,
    customerId: data.customer_id,
    userId,
    status: data.status,
    // Stryker disable next-line OptionalChaining: the item found has a price; the second `?.` is for the type
    priceId: data.items.find((item) => item.price)?.price?.id ?? null,
    currentPeriodEnd: data.current_billing_period ? new Date(data.current_billing_period.ends_at) : null,
    scheduledChange: data.scheduled_change ?? null,
    canceledAt: data.canceled_at ? new Date(data.canceled_at) : null,
    lastEventAt: occurredAt,
  };
}

/** A conflicting event is stored with the bound account and changes nothing. */
function conflictOf(event: PaddleEvent, binding: Binding, ids: { subscriptionId: string | null; customerId: string | null }): Applied | undefined {
  if (!binding.conflict) return undefined;
  return only({ outcome: 'conflict', userId: binding.userId, ...ids }, [
    { kind: 'binding_conflict', eventType: event.eventType, conflict: binding.conflict },
  ]);
}

async function applySubscriptionEvent(context: ApplyContext, event: PaddleEvent): Promise<Applied> {
  const { store, now } = context;
  const parsed = subscriptionDataSchema.safeParse(event.data);
  if (!parsed.success) return only({ outcome: 'failed', ...nothing });
  const data = parsed.data;
  const ids = { subscriptionId: data.id, customerId: data.customer_id };
  const claimedUserId = userIdFromCustomData(data.custom_data);
  const binding = await resolveBinding(store, { ...ids, claimedUserId });
  const refused = conflictOf(event, binding, ids);
  if (refused) return refused;
  if (binding.bindsCustomer && binding.userId) await store.bindCustomer(data.customer_id, binding.userId);
  const written = await store.upsertSubscription(stateOf(data, binding.userId, event.occurredAt), now);
  if (!written) return only({ outcome: 'stale', userId: binding.userId, ...ids });
  const items = itemsOf(data);
  await store.replaceItems(data.id, items);
  const unmapped = unmappedPrices(items, context.premiumPriceIds);
  const notices: BillingNotice[] = unmapped.length > 0 ? [{ kind: 'unmapped_prices', subscriptionId: data.id, priceIds: unmapped }] : [];
  return only({ outcome: await matchOutcome(store, binding.userId), userId: binding.userId, ...ids }, notices);
}

/**
 * Transactions carry no subscription state of their own (Paddle follows a failed payment with
 * subscription.past_due). A completed or paid one binds its customer to custom_data.userId; any
 * other (payment_failed) is recorded for the account already bound, if any, and binds nothing.
 */
async function applyTransactionEvent(context: ApplyContext, event: PaddleEvent): Promise<Applied> {
  const { store } = context;
  const parsed = transactionDataSchema.safeParse(event.data);
  if (!parsed.success) return only({ outcome: 'failed', ...nothing });
  const data = parsed.data;
  const ids = { subscriptionId: data.subscription_id ?? null, customerId: data.customer_id ?? null };
  const paid = BINDING_TRANSACTIONS.has(event.eventType) && PAID_STATUSES.has(data.status);
  const claimedUserId = paid ? userIdFromCustomData(data.custom_data) : null;
  const binding = await resolveBinding(store, { ...ids, claimedUserId });
  const refused = conflictOf(event, binding, ids);
  if (refused) return refused;
  if (binding.bindsCustomer && binding.userId && ids.customerId) await store.bindCustomer(ids.customerId, binding.userId);
  return only({ outcome: await matchOutcome(store, binding.userId), userId: binding.userId, ...ids });
}

export function applyPaddleEvent(context: ApplyContext, event: PaddleEvent): Promise<Applied> {
  if (SUBSCRIPTION_EVENTS.has(event.eventType)) return applySubscriptionEvent(context, event);
  if (TRANSACTION_EVENTS.has(event.eventType)) return applyTransactionEvent(context, event);
  return Promise.resolve(only({ outcome: 'unsupported', ...nothing }));
}

import { and, eq, isNull, lte, sql } from 'drizzle-orm';
import { paddleCustomers, subscriptionItems, subscriptions, users, webhookEvents, type Db } from '@tp/db';
import type { SubscriptionItemFacts } from '@tp/entitlements';
import type { PaddleEvent } from './paddle-event';

/** What the store needs from a transaction (drizzle's, over a client we checked out). */
export type Tx = Pick<Db, 'select' | 'insert' | 'update' | 'delete' | 'execute'>;

/** `conflict`: the event tried to move a customer or subscription bound to another account; stored, nothing changed. */
export type EventOutcome = 'applied' | 'stale' | 'unmatched' | 'unsupported' | 'failed' | 'conflict';

export interface EventResult {
  outcome: EventOutcome;
  userId: string | null;
  subscriptionId: string | null;
  customerId: string | null;
}

export interface SubscriptionState {
  paddleSubscriptionId: string;
  customerId: string;
  userId: string | null;
  status: string;
  priceId: string | null;
  currentPeriodEnd: Date | null;
  scheduledChange: unknown;
  canceledAt: Date | null;
  lastEventAt: Date;
}

/** Billing data access inside one webhook transaction; nothing here knows about HTTP. */
export class BillingStore {
  constructor(private readonly tx: Tx) {}

  /** False when the event id is already stored (a redelivery, or a racing delivery that committed first). */
  async insertEvent(event: PaddleEvent): Promise<boolean> {
    const rows = await this.tx
      .insert(webhookEvents)
      .values({
        eventId: event.eventId,
        eventType: event.eventType,
        notificationId: event.notificationId,
        occurredAt: event.occurredAt,
        payload: event.payload,
      })
      .onConflictDoNothing({ target: webhookEvents.eventId })
      .returning({ eventId: webhookEvents.eventId });
    return rows.length > 0;
  }

  async finishEvent(eventId: string, result: EventResult, now: Date): Promise<void> {
    await this.tx
      .update(webhookEvents)
      .set({ ...result, processedAt: now })
      .where(eq(webhookEvents.eventId, eventId));
  }

  /**
   * Serialises every event of one Paddle customer until this transaction ends, so deciding who
   * a customer or subscription belongs to and writing it cannot interleave with another event.
   */
  async lockCustomer(customerId: string): Promise<void> {
    await this.tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`paddle_customer:${customerId}`}))`);
  }

  async userExists(userId: string): Promise<boolean> {
    const rows = await this.tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1);
    return rows.length > 0;
  }

  async userForCustomer(customerId: string): Promise<string | undefined> {
    const rows = await this.tx
      .select({ userId: paddleCustomers.userId })
      .from(paddleCustomers)
      .where(eq(paddleCustomers.customerId, customerId))
      .limit(1);
    return rows[0]?.userId;
  }

  /** The account a stored subscription is bound to (undefined: not stored, or stored without one). */
  async userForSubscription(subscriptionId: string): Promise<string | undefined> {
    const rows = await this.tx
      .select({ userId: subscriptions.userId })
      .from(subscriptions)
      .where(eq(subscriptions.paddleSubscriptionId, subscriptionId))
      .limit(1);
    return rows[0]?.userId ?? undefined;
  }

  /** Binds an unbound customer (the first binding stays) and adopts its subscriptions stored without a user. */
  async bindCustomer(customerId: string, userId: string): Promise<void> {
    await this.tx.insert(paddleCustomers).values({ customerId, userId }).onConflictDoNothing({ target: paddleCustomers.customerId });
    await this.tx
      .update(subscriptions)
      .set({ userId })
      .where(and(eq(subscriptions.customerId, customerId), isNull(subscriptions.userId)));
  }

  /**
   * Writes the subscription unless a newer event already did: one atomic upsert whose update
   * only runs when the stored last_event_at is not later. A stored user_id is never replaced.
   * False means the event was stale.
   */
  async upsertSubscription(state: SubscriptionState, now: Date): Promise<boolean> {
    const { paddleSubscriptionId, ...rest } = state;
    const changes = { ...rest, updatedAt: now, userId: sql`COALESCE(${subscriptions.userId}, excluded.user_id)` };
    const rows = await this.tx
      .insert(subscriptions)
      .values({ ...state, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: subscriptions.paddleSubscriptionId,
        set: changes,
        setWhere: lte(subscriptions.lastEventAt, state.lastEventAt),
      })
      .returning({ id: subscriptions.paddleSubscriptionId });
    return rows.length > 0 && rows[0]?.id === paddleSubscriptionId;
  }

  /** Replaces the subscription's items with the event's (an item removed in Paddle is gone here too). */
  async replaceItems(subscriptionId: string, items: readonly SubscriptionItemFacts[]): Promise<void> {
    await this.tx.delete(subscriptionItems).where(eq(subscriptionItems.paddleSubscriptionId, subscriptionId));
    if (items.length === 0) return;
    await this.tx.insert(subscriptionItems).values(items.map((item) => ({ paddleSubscriptionId: subscriptionId, ...item })));
  }
}

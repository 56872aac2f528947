import type { Pool } from 'pg';
import { inTransaction, withDatabase } from '@tp/db';
import type { PremiumPriceIds } from '@tp/entitlements';
import { BillingStore, type EventOutcome } from './billing-store';
import { applyPaddleEvent, type BillingNotice } from './apply-paddle-event';
import type { PaddleEvent } from './paddle-event';

export type WebhookOutcome = EventOutcome | 'duplicate';

export interface Handled {
  outcome: WebhookOutcome;
  /** For the operator (a binding conflict, a subscription without a listed price): logged and counted by the route. */
  notices: BillingNotice[];
}

/** Called after the transaction committed a change to a user's subscriptions (or their customer link). */
export type AnnounceChange = (userId: string) => Promise<void>;

// `unmatched` still wrote the subscription under that users.id (the row may appear any moment).
const CHANGED: ReadonlySet<WebhookOutcome> = new Set(['applied', 'unmatched']);

/**
 * Stores and applies one verified event in a single short transaction. The event row is
 * inserted first: a concurrent delivery of the same event_id waits on its primary key and
 * then sees a duplicate, so an event applies at most once and is never acknowledged unstored.
 */
export class WebhookService {
  constructor(
    private readonly pool: Pool,
    private readonly clock: () => Date,
    /** `config.entitlements.premiumPriceIds`: which prices a notice calls unmapped. */
    private readonly premiumPriceIds: PremiumPriceIds,
    /** Tells every service's account cache; awaited before the webhook is acknowledged. */
    private readonly announce?: AnnounceChange,
  ) {}

  async handle(event: PaddleEvent): Promise<Handled> {
    const { outcome, userId, notices } = await withDatabase(() => inTransaction(this.pool, (tx) => this.apply(new BillingStore(tx), event)));
    // Only after the commit: a reader that reloads on the message must see the new rows.
    if (userId && CHANGED.has(outcome)) await this.announce?.(userId);
    return { outcome, notices };
  }

  private async apply(store: BillingStore, event: PaddleEvent): Promise<Handled & { userId: string | null }> {
    if (!(await store.insertEvent(event))) return { outcome: 'duplicate', userId: null, notices: [] };
    const now = this.clock();
    const { result, notices } = await applyPaddleEvent({ store, now, premiumPriceIds: this.premiumPriceIds }, event);
    await store.finishEvent(event.eventId, result, now);
    return { outcome: result.outcome, userId: result.userId, notices };
  }
}

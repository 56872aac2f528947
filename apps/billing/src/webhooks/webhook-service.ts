import type { Pool } from 'pg';
import { inTransaction, withDatabase } from '@tp/db';
import { BillingStore, type EventOutcome } from './billing-store';
import { applyPaddleEvent } from './apply-paddle-event';
import type { PaddleEvent } from './paddle-event';

export type WebhookOutcome = EventOutcome | 'duplicate';

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
    /** Tells every service's account cache; awaited before the webhook is acknowledged. */
    private readonly announce?: AnnounceChange,
  ) {}

  async handle(event: PaddleEvent): Promise<WebhookOutcome> {
    const { outcome, userId } = await withDatabase(() => inTransaction(this.pool, (tx) => this.apply(new BillingStore(tx), event)));
    // Only after the commit: a reader that reloads on the message must see the new rows.
    if (userId && CHANGED.has(outcome)) await this.announce?.(userId);
    return outcome;
  }

  private async apply(store: BillingStore, event: PaddleEvent): Promise<{ outcome: WebhookOutcome; userId: string | null }> {
    if (!(await store.insertEvent(event))) return { outcome: 'duplicate', userId: null };
    const now = this.clock();
    const result = await applyPaddleEvent(store, event, now);
    await store.finishEvent(event.eventId, result, now);
    return result;
  }
}

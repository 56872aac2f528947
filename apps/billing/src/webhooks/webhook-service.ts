import type { Pool } from 'pg';
import { inTransaction, withDatabase } from '@tp/db';
import { BillingStore, type EventOutcome } from './billing-store';
import { applyPaddleEvent } from './apply-paddle-event';
import type { PaddleEvent } from './paddle-event';

export type WebhookOutcome = EventOutcome | 'duplicate';

/**
 * Stores and applies one verified event in a single short transaction. The event row is
 * inserted first: a concurrent delivery of the same event_id waits on its primary key and
 * then sees a duplicate, so an event applies at most once and is never acknowledged unstored.
 */
export class WebhookService {
  constructor(
    private readonly pool: Pool,
    private readonly clock: () => Date,
  ) {}

  handle(event: PaddleEvent): Promise<WebhookOutcome> {
    return withDatabase(() => inTransaction(this.pool, (tx) => this.apply(new BillingStore(tx), event)));
  }

  private async apply(store: BillingStore, event: PaddleEvent): Promise<WebhookOutcome> {
    if (!(await store.insertEvent(event))) return 'duplicate';
    const now = this.clock();
    const result = await applyPaddleEvent(store, event, now);
    await store.finishEvent(event.eventId, result, now);
    return result.outcome;
  }
}

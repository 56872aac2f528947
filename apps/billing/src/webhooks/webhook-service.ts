import { drizzle } from 'drizzle-orm/node-postgres';
import type { Pool } from 'pg';
import { withDatabase } from '@tp/db';
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
    return withDatabase(() => this.inTransaction((store) => this.apply(store, event)));
  }

  private async apply(store: BillingStore, event: PaddleEvent): Promise<WebhookOutcome> {
    if (!(await store.insertEvent(event))) return 'duplicate';
    const now = this.clock();
    const result = await applyPaddleEvent(store, event, now);
    await store.finishEvent(event.eventId, result, now);
    return result.outcome;
  }

  /**
   * We check the client out ourselves: drizzle's pool transaction issues BEGIN outside its
   * try/finally, so a connection lost at BEGIN would never be released and an outage would
   * slowly drain the pool. A client that failed is destroyed instead of reused.
   */
  private async inTransaction<T>(work: (store: BillingStore) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let failure: Error | undefined;
    try {
      return await drizzle(client).transaction((tx) => work(new BillingStore(tx)));
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.release(failure);
    }
  }
}

import type { Pool } from 'pg';
import type { RequestHandler } from 'express';
import { Counter, type Registry } from '@tp/metrics';
import type { PaddleEvent } from './paddle-event';
import { WebhookService, type AnnounceChange, type WebhookOutcome } from './webhook-service';

/** `webhook_events_total{type, outcome}`: every Paddle delivery, by event type and what became of it. */
export function webhookEventCounter(registry: Registry): Counter<'type' | 'outcome'> {
  return new Counter({
    name: 'webhook_events_total',
    help: 'Paddle webhook deliveries by event type and outcome (applied, stale, duplicate, …, invalid_signature, error)',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
}

/** Counts each verified event by its type and outcome; a database failure counts as `error`. */
export class MeteredWebhookService extends WebhookService {
  constructor(
    pool: Pool,
    clock: () => Date,
    private readonly events: Counter<'type' | 'outcome'>,
    announce?: AnnounceChange,
  ) {
    super(pool, clock, announce);
  }

  override async handle(event: PaddleEvent): Promise<WebhookOutcome> {
    try {
      const outcome = await super.handle(event);
      this.events.inc({ type: event.eventType, outcome });
      return outcome;
    } catch (err) {
      this.events.inc({ type: event.eventType, outcome: 'error' });
      throw err;
    }
  }
}

/**
 * Deliveries refused before they reach the service (no trusted event type yet, so `unknown`).
 * A 503 with payments on came from the service and is already counted there.
 */
export function countRejectedWebhooks(events: Counter<'type' | 'outcome'>, paymentsEnabled: boolean): RequestHandler {
  return (_req, res, next) => {
    res.once('finish', () => {
      const status = res.statusCode;
      if (status === 401) events.inc({ type: 'unknown', outcome: 'invalid_signature' });
      else if (status >= 400 && status < 500) events.inc({ type: 'unknown', outcome: 'invalid_payload' });
      else if (status === 503 && !paymentsEnabled) events.inc({ type: 'unknown', outcome: 'payments_disabled' });
    });
    next();
  };
}

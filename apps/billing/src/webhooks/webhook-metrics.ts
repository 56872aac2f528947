import { Counter, type Registry } from '@tp/metrics';
import type { WebhookOutcome } from './webhook-service';

/** What became of one delivery: the service's outcome, or why it was refused before it. */
export type WebhookMetricOutcome = WebhookOutcome | 'error' | 'invalid_signature' | 'invalid_payload' | 'payments_disabled';

/**
 * Counts one delivery, called where its outcome is decided. `type` is the Paddle event type,
 * or `unknown` for a delivery refused before its event type could be trusted.
 */
export type CountWebhook = (type: string, outcome: WebhookMetricOutcome) => void;

/** `webhook_events_total{type, outcome}`: every Paddle delivery, by event type and what became of it. */
export function webhookEventCounter(registry: Registry): CountWebhook {
  const events = new Counter({
    name: 'webhook_events_total',
    help: 'Paddle webhook deliveries by event type and outcome (applied, stale, duplicate, …, invalid_signature, error)',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  return (type, outcome) => events.inc({ type, outcome });
}

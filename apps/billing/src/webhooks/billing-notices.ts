import type { Logger } from '@tp/logging';
import { Counter, type Registry } from '@tp/metrics';
import type { BillingNotice } from './apply-paddle-event';

/** Distinct price_id label values per process; later ones are counted as `other` (the warn log still names them). */
export const MAX_PRICE_LABELS = 50;
const PRICE_ID = /^pri_[a-z0-9]{1,64}$/;

/** Logs (warn) and counts what an operator must act on. */
export type ReportNotices = (notices: readonly BillingNotice[], log: Logger) => void;

/**
 * A label that keeps the series count bounded: a well-formed price id while fewer than `max`
 * distinct ones were seen, then `other` (anything malformed is `other` at once).
 */
export function boundedLabel(max: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (!PRICE_ID.test(value)) return 'other';
    if (seen.has(value)) return value;
    if (seen.size >= max) return 'other';
    seen.add(value);
    return value;
  };
}

/**
 * `billing_unmapped_prices_total{price_id}`: subscription events whose items name no price in
 * PADDLE_PREMIUM_PRICE_IDS, by price (a product without a mapping grants nothing).
 * `billing_binding_conflicts_total{bound}`: events that named another account than the one a
 * customer or subscription is bound to (stored, nothing changed).
 */
export function billingNoticeReporter(registry?: Registry): ReportNotices {
  const unmapped = registry
    ? new Counter({
        name: 'billing_unmapped_prices_total',
        help: `Subscription events with no price listed in PADDLE_PREMIUM_PRICE_IDS, by price id (at most ${MAX_PRICE_LABELS} ids, then "other")`,
        labelNames: ['price_id'] as const,
        registers: [registry],
      })
    : undefined;
  const conflicts = registry
    ? new Counter({
        name: 'billing_binding_conflicts_total',
        help: 'Paddle events that named another account than the bound one (customer or subscription); stored, nothing changed',
        labelNames: ['bound'] as const,
        registers: [registry],
      })
    : undefined;
  const priceLabel = boundedLabel(MAX_PRICE_LABELS);
  return (notices, log) => {
    for (const notice of notices) {
      if (notice.kind === 'unmapped_prices') {
        log.warn({ subscriptionId: notice.subscriptionId, priceIds: notice.priceIds }, 'Paddle subscription has no price listed in PADDLE_PREMIUM_PRICE_IDS; it grants nothing');
        for (const priceId of notice.priceIds) unmapped?.inc({ price_id: priceLabel(priceId) });
      } else {
        log.warn({ eventType: notice.eventType, ...notice.conflict }, `Paddle event names another account than the one its ${notice.conflict.bound} is bound to; stored, nothing changed`);
        conflicts?.inc({ bound: notice.conflict.bound });
      }
    }
  };
}

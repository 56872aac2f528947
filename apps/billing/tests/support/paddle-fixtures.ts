import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SUBSCRIPTION_FIXTURES = [
  'subscription.created',
  'subscription.trialing',
  'subscription.activated',
  'subscription.updated',
  'subscription.past_due',
  'subscription.paused',
  'subscription.resumed',
  'subscription.canceled',
] as const;
export const TRANSACTION_FIXTURES = ['transaction.paid', 'transaction.completed', 'transaction.payment_failed'] as const;
export type FixtureName = (typeof SUBSCRIPTION_FIXTURES)[number] | (typeof TRANSACTION_FIXTURES)[number];

export interface PaddleEventBody {
  event_id: string;
  event_type: string;
  occurred_at: string;
  notification_id: string;
  data: Record<string, unknown>;
}

export interface FixtureOverrides {
  eventId?: string;
  occurredAt?: Date;
  /** Our users.id in custom_data; null sends no custom_data at all. */
  userId?: string | null;
  subscriptionId?: string;
  customerId?: string;
  /** Merged into `data` last (e.g. a different status or billing period). */
  data?: Record<string, unknown>;
}

const unique = (prefix: string) => `${prefix}_test${randomBytes(8).toString('hex')}`;

export const newIds = () => ({ subscriptionId: unique('sub'), customerId: unique('ctm'), userId: randomUUID() });

/** A documented-shape Paddle event from tests/fixtures, with fresh ids unless told otherwise. */
export function paddleEvent(name: FixtureName, overrides: FixtureOverrides = {}): PaddleEventBody {
  const body = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', `${name}.json`), 'utf8')) as PaddleEventBody;
  body.event_id = overrides.eventId ?? unique('evt');
  body.notification_id = unique('ntf');
  if (overrides.occurredAt) body.occurred_at = overrides.occurredAt.toISOString();
  const data = body.data;
  if (overrides.userId !== undefined) data['custom_data'] = overrides.userId === null ? null : { userId: overrides.userId };
  const subscriptionKey = name.startsWith('subscription.') ? 'id' : 'subscription_id';
  data[subscriptionKey] = overrides.subscriptionId ?? unique('sub');
  data['customer_id'] = overrides.customerId ?? unique('ctm');
  Object.assign(data, overrides.data ?? {});
  return body;
}

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

/**
 * The price every fixture's item carries, and the one PADDLE_PREMIUM_PRICE_IDS lists in these tests
 * (the development default too, so `npm run paddle:send` grants PREMIUM against `npm start`).
 */
export const PREMIUM_PRICE_ID = 'pri_01gsz8x8sawmvhz1pv30nge1ke';

/** A fresh Paddle-shaped price id no configuration lists (an add-on, a $0 price, a test product). */
export const unlistedPriceId = () => `pri_01${randomBytes(12).toString('hex')}`;

export interface FixtureItem {
  priceId: string;
  status?: 'active' | 'trialing' | 'inactive';
  quantity?: number;
}

export interface FixtureOverrides {
  eventId?: string;
  occurredAt?: Date;
  /** Our users.id in custom_data; null sends no custom_data at all. */
  userId?: string | null;
  subscriptionId?: string;
  customerId?: string;
  /** A subscription event's items, each shaped like the fixture's own item but with this price. */
  items?: FixtureItem[];
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
  if (overrides.items) data['items'] = overrides.items.map((item) => withPrice(data, item));
  Object.assign(data, overrides.data ?? {});
  return body;
}

/** The fixture's first item with another price id (and status, quantity): the shape Paddle sends. */
function withPrice(data: Record<string, unknown>, item: FixtureItem): Record<string, unknown> {
  const [template] = data['items'] as Array<Record<string, unknown>>;
  const price = { ...(template!['price'] as Record<string, unknown>), id: item.priceId };
  return { ...template, price, status: item.status ?? 'active', quantity: item.quantity ?? 1 };
}

import type { LogCapture } from '@tp/testing';
import { startBillingService, type BillingService } from './support/billing-service';
import { PREMIUM_PRICE_ID, newIds, paddleEvent, unlistedPriceId } from './support/paddle-fixtures';

describe('POST /api/v1/webhooks/paddle: every item of a subscription, and prices with no tier', () => {
  let service: BillingService;
  let logs: LogCapture;

  beforeAll(async () => ({ logs } = service = await startBillingService()));
  afterAll(() => service?.stop());

  const items = (subscriptionId: string) =>
    service.rows('SELECT price_id, status, quantity FROM subscription_items WHERE paddle_subscription_id = $1 ORDER BY price_id', [subscriptionId]);
  const unmapped = (priceId: string) => service.counter('billing_unmapped_prices_total', { price_id: priceId });

  it('stores every item with its price, status and quantity, and replaces them with a later event', async () => {
    const ids = newIds();
    const addOn = unlistedPriceId();
    const userId = await service.createUser();
    await service.deliver(
      paddleEvent('subscription.created', {
        ...ids,
        userId,
        occurredAt: new Date('2024-06-01T00:00:00Z'),
        items: [{ priceId: PREMIUM_PRICE_ID }, { priceId: addOn, quantity: 3, status: 'trialing' }],
      }),
    );

    expect(await items(ids.subscriptionId)).toEqual(
      [
        { price_id: PREMIUM_PRICE_ID, status: 'active', quantity: 1 },
        { price_id: addOn, status: 'trialing', quantity: 3 },
      ].sort((a, b) => a.price_id.localeCompare(b.price_id)),
    );

    await service.deliver(paddleEvent('subscription.updated', { ...ids, userId, occurredAt: new Date('2024-06-02T00:00:00Z'), items: [{ priceId: addOn }] }));

    expect(await items(ids.subscriptionId)).toEqual([{ price_id: addOn, status: 'active', quantity: 1 }]);
  });

  it('keeps the items of a newer event when an older one arrives late', async () => {
    const ids = newIds();
    const userId = await service.createUser();
    await service.deliver(paddleEvent('subscription.updated', { ...ids, userId, occurredAt: new Date('2024-06-05T00:00:00Z') }));

    const late = await service.deliver(paddleEvent('subscription.created', { ...ids, userId, occurredAt: new Date('2024-06-01T00:00:00Z'), items: [{ priceId: unlistedPriceId() }] }));

    expect(late.body).toMatchObject({ outcome: 'stale' });
    expect(await items(ids.subscriptionId)).toEqual([{ price_id: PREMIUM_PRICE_ID, status: 'active', quantity: 1 }]);
  });

  it('stores a subscription whose only price is not listed, warns and counts it by price', async () => {
    const ids = newIds();
    const price = unlistedPriceId();

    const reply = await service.deliver(paddleEvent('subscription.activated', { ...ids, userId: await service.createUser(), items: [{ priceId: price }] }));

    expect(reply.body).toMatchObject({ outcome: 'applied' });
    expect(await items(ids.subscriptionId)).toEqual([{ price_id: price, status: 'active', quantity: 1 }]);
    expect(await unmapped(price)).toBe(1);
    expect(logs.lines()).toContainEqual(expect.objectContaining({ level: 'warn', subscriptionId: ids.subscriptionId, priceIds: [price] }));
  });

  it('does not count an unlisted add-on beside a listed price', async () => {
    const ids = newIds();
    const addOn = unlistedPriceId();

    await service.deliver(paddleEvent('subscription.activated', { ...ids, userId: await service.createUser(), items: [{ priceId: PREMIUM_PRICE_ID }, { priceId: addOn }] }));

    expect(await unmapped(addOn)).toBe(0);
    expect(await unmapped(PREMIUM_PRICE_ID)).toBe(0);
  });
});

import { startBillingService, type BillingService } from './support/billing-service';
import { PREMIUM_PRICE_ID, SUBSCRIPTION_FIXTURES, newIds, paddleEvent } from './support/paddle-fixtures';

interface SubscriptionSnapshot {
  status: string;
  user_id: string | null;
  customer_id: string;
  price_id: string | null;
  current_period_end: Date | null;
  last_event_at: Date;
}

describe('POST /api/v1/webhooks/paddle: processing', () => {
  let service: BillingService;

  beforeAll(async () => {
    service = await startBillingService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  const subscription = async (id: string) =>
    (await service.rows<SubscriptionSnapshot>('SELECT * FROM subscriptions WHERE paddle_subscription_id = $1', [id]))[0];
  const storedEvent = async (id: string) =>
    (await service.rows<{ outcome: string; user_id: string | null; processed_at: Date | null }>('SELECT * FROM webhook_events WHERE event_id = $1', [id]))[0];

  it.each(SUBSCRIPTION_FIXTURES)('applies %s for a known user and stores its state', async (name) => {
    const ids = newIds();
    const userId = await service.createUser();
    const event = paddleEvent(name, { ...ids, userId });

    const reply = await service.deliver(event);

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ received: true, eventId: event.event_id, outcome: 'applied' });
    const row = await subscription(ids.subscriptionId);
    expect(row).toMatchObject({ status: event.data['status'], user_id: userId, customer_id: ids.customerId, price_id: PREMIUM_PRICE_ID });
    const [item] = event.data['items'] as Array<{ status: string; quantity: number }>;
    expect(await service.rows('SELECT price_id, status, quantity FROM subscription_items WHERE paddle_subscription_id = $1', [ids.subscriptionId])).toEqual([
      { price_id: PREMIUM_PRICE_ID, status: item!.status, quantity: item!.quantity },
    ]);
    expect(row!.last_event_at.toISOString()).toBe(new Date(event.occurred_at).toISOString());
    expect(await storedEvent(event.event_id)).toMatchObject({ outcome: 'applied', user_id: userId, processed_at: expect.any(Date) });
  });

  it.each(['transaction.paid', 'transaction.completed'] as const)('applies %s by linking the Paddle customer to the user', async (name) => {
    const ids = newIds();
    const userId = await service.createUser();

    const reply = await service.deliver(paddleEvent(name, { ...ids, userId }));

    expect(reply.body).toMatchObject({ outcome: 'applied' });
    expect(await service.rows('SELECT user_id FROM paddle_customers WHERE customer_id = $1', [ids.customerId])).toEqual([{ user_id: userId }]);
  });

  it('links a later event without custom_data through the remembered customer', async () => {
    const ids = newIds();
    const userId = await service.createUser();
    await service.deliver(paddleEvent('transaction.completed', { ...ids, userId }));

    const reply = await service.deliver(paddleEvent('subscription.updated', { ...ids, userId: null }));

    expect(reply.body).toMatchObject({ outcome: 'applied' });
    expect(await subscription(ids.subscriptionId)).toMatchObject({ user_id: userId });
  });

  it('acknowledges a redelivered event_id with 200 and does not apply it twice', async () => {
    const ids = newIds();
    const event = paddleEvent('subscription.activated', { ...ids, userId: await service.createUser() });
    await service.deliver(event);
    const before = await subscription(ids.subscriptionId);

    const again = await service.deliver(event);

    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'duplicate' });
    expect(await service.rows('SELECT event_id FROM webhook_events WHERE event_id = $1', [event.event_id])).toHaveLength(1);
    expect(await subscription(ids.subscriptionId)).toEqual(before);
  });

  it('applies exactly one of 10 concurrent deliveries of the same event', async () => {
    const ids = newIds();
    const event = paddleEvent('subscription.created', { ...ids, userId: await service.createUser() });

    const replies = await Promise.all(Array.from({ length: 10 }, () => service.deliver(event)));

    expect(replies.map((reply) => reply.status)).toEqual(Array(10).fill(200));
    const outcomes = replies.map((reply) => reply.body['outcome']).sort();
    expect(outcomes).toEqual(['applied', ...Array(9).fill('duplicate')]);
    expect(await service.rows('SELECT event_id FROM webhook_events WHERE event_id = $1', [event.event_id])).toHaveLength(1);
  });

  it('ignores an older event arriving after a newer one (canceled, then an older updated)', async () => {
    const ids = newIds();
    const userId = await service.createUser();
    const canceled = paddleEvent('subscription.canceled', { ...ids, userId, occurredAt: new Date('2024-06-12T10:00:00Z') });
    const olderUpdate = paddleEvent('subscription.updated', { ...ids, userId, occurredAt: new Date('2024-05-01T10:00:00Z') });

    expect((await service.deliver(canceled)).body).toMatchObject({ outcome: 'applied' });
    const late = await service.deliver(olderUpdate);

    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ outcome: 'stale' });
    const row = await subscription(ids.subscriptionId);
    expect(row).toMatchObject({ status: 'canceled' });
    expect(row!.last_event_at.toISOString()).toBe('2024-06-12T10:00:00.000Z');
    expect(await storedEvent(olderUpdate.event_id)).toMatchObject({ outcome: 'stale' });
  });

  it('stores an event for a user id with no users row as unmatched, keeping the user id on the subscription', async () => {
    const ids = newIds();

    const reply = await service.deliver(paddleEvent('subscription.activated', ids));

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ outcome: 'unmatched' });
    expect(await subscription(ids.subscriptionId)).toMatchObject({ status: 'active', user_id: ids.userId });
  });

  it('stores an event with no custom_data and an unknown customer as unmatched, then adopts it once the customer is linked', async () => {
    const ids = newIds();
    const first = await service.deliver(paddleEvent('subscription.created', { ...ids, userId: null }));
    expect(first.body).toMatchObject({ outcome: 'unmatched' });
    expect(await subscription(ids.subscriptionId)).toMatchObject({ user_id: null });

    const userId = await service.createUser();
    await service.deliver(paddleEvent('transaction.completed', { ...ids, userId }));

    expect(await subscription(ids.subscriptionId)).toMatchObject({ user_id: userId });
  });

  it('ignores a custom_data.userId that is not a uuid instead of failing', async () => {
    const ids = newIds();

    const reply = await service.deliver(paddleEvent('subscription.activated', { ...ids, data: { custom_data: { userId: 'not-a-uuid' } } }));

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ outcome: 'unmatched' });
  });

  it('stores and acknowledges an unsupported event type', async () => {
    const event = { event_id: 'evt_customer_created_1', event_type: 'customer.created', occurred_at: new Date().toISOString(), notification_id: 'ntf_1', data: { id: 'ctm_x' } };

    const reply = await service.deliver(event);

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ outcome: 'unsupported' });
    expect(await storedEvent(event.event_id)).toMatchObject({ outcome: 'unsupported' });
  });
});

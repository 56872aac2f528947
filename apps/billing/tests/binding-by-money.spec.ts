import type { LogCapture } from '@tp/testing';
import { startBillingService, type BillingService } from './support/billing-service';
import { newIds, paddleEvent, type PaddleEventBody } from './support/paddle-fixtures';

/** A transaction.completed body re-typed as another transaction event Paddle sends (same entity shape). */
function transactionAs(eventType: string, status: string, overrides: Parameters<typeof paddleEvent>[1]): PaddleEventBody {
  const event = paddleEvent('transaction.completed', { ...overrides, data: { status } });
  event.event_type = eventType;
  return event;
}

describe('POST /api/v1/webhooks/paddle: a customer is bound to an account by money only', () => {
  let service: BillingService;
  let logs: LogCapture;

  beforeAll(async () => ({ logs } = service = await startBillingService()));
  afterAll(() => service?.stop());

  const customerOwner = async (customerId: string) =>
    (await service.rows<{ user_id: string }>('SELECT user_id FROM paddle_customers WHERE customer_id = $1', [customerId]))[0]?.user_id;
  const subscription = async (id: string) =>
    (await service.rows<{ user_id: string | null; status: string }>('SELECT user_id, status FROM subscriptions WHERE paddle_subscription_id = $1', [id]))[0];
  const conflicts = () => service.counter('billing_binding_conflicts_total');

  it.each([
    ['transaction.payment_failed', 'past_due'],
    ['transaction.canceled', 'canceled'],
    ['transaction.created', 'draft'],
    ['transaction.paid', 'draft'],
  ])('binds nothing on %s (status %s) carrying a userId', async (eventType, status) => {
    const ids = newIds();
    const userId = await service.createUser();
    // The customer's subscription was stored before, without an account.
    await service.deliver(paddleEvent('subscription.activated', { ...ids, userId: null }));

    const event =
      eventType === 'transaction.payment_failed' ? paddleEvent('transaction.payment_failed', { ...ids, userId }) : transactionAs(eventType, status, { ...ids, userId });
    const reply = await service.deliver(event);

    expect(reply.status).toBe(200);
    expect(reply.body['outcome']).not.toBe('applied');
    expect(await customerOwner(ids.customerId)).toBeUndefined();
    expect(await subscription(ids.subscriptionId)).toMatchObject({ user_id: null });
  });

  it('still binds on a later transaction.completed after a failed payment', async () => {
    const ids = newIds();
    const userId = await service.createUser();
    await service.deliver(paddleEvent('transaction.payment_failed', { ...ids, userId }));

    expect((await service.deliver(paddleEvent('transaction.completed', { ...ids, userId }))).body).toMatchObject({ outcome: 'applied' });
    expect(await customerOwner(ids.customerId)).toBe(userId);
  });

  it('binds the customer through a subscription event carrying custom_data.userId', async () => {
    const ids = newIds();
    const userId = await service.createUser();

    await service.deliver(paddleEvent('subscription.created', { ...ids, userId }));

    expect(await customerOwner(ids.customerId)).toBe(userId);
  });

  it("refuses a second account's transaction for a bound customer: stored, nothing changes, warned and counted", async () => {
    const ids = newIds();
    const owner = await service.createUser();
    const other = await service.createUser();
    await service.deliver(paddleEvent('transaction.completed', { ...ids, userId: owner }));
    const before = await conflicts();

    const taking = paddleEvent('transaction.completed', { ...ids, userId: other });
    const reply = await service.deliver(taking);

    expect(reply).toEqual({ status: 200, body: { received: true, eventId: taking.event_id, outcome: 'conflict' } });
    expect(await customerOwner(ids.customerId)).toBe(owner);
    expect(await service.rows('SELECT outcome, user_id FROM webhook_events WHERE event_id = $1', [taking.event_id])).toEqual([{ outcome: 'conflict', user_id: owner }]);
    expect(await conflicts()).toBe(before + 1);
    expect(await service.counter('billing_binding_conflicts_total', { bound: 'customer' })).toBeGreaterThanOrEqual(1);
    expect(logs.lines()).toContainEqual(
      expect.objectContaining({ level: 'warn', bound: 'customer', id: ids.customerId, boundUserId: owner, claimedUserId: other }),
    );
  });

  it("refuses a second account's custom_data on a bound subscription: its state and account stay", async () => {
    const ids = newIds();
    const owner = await service.createUser();
    const other = await service.createUser();
    await service.deliver(paddleEvent('subscription.activated', { ...ids, userId: owner, occurredAt: new Date('2024-06-01T00:00:00Z') }));
    const before = await conflicts();

    const reply = await service.deliver(
      paddleEvent('subscription.updated', { ...ids, userId: other, occurredAt: new Date('2024-06-02T00:00:00Z'), data: { status: 'paused' } }),
    );

    expect(reply.body).toMatchObject({ outcome: 'conflict' });
    expect(await subscription(ids.subscriptionId)).toEqual({ user_id: owner, status: 'active' });
    expect(await customerOwner(ids.customerId)).toBe(owner);
    expect(await conflicts()).toBe(before + 1);
  });

  it("refuses a new subscription naming a second account on a customer bound to the first", async () => {
    const ids = newIds();
    const owner = await service.createUser();
    const other = await service.createUser();
    await service.deliver(paddleEvent('transaction.completed', { ...ids, userId: owner }));

    const reply = await service.deliver(paddleEvent('subscription.created', { ...ids, userId: other }));

    expect(reply.body).toMatchObject({ outcome: 'conflict' });
    expect(await subscription(ids.subscriptionId)).toBeUndefined();
    expect(await customerOwner(ids.customerId)).toBe(owner);
  });

  it('keeps a bound subscription with its account when a later event without custom_data arrives', async () => {
    const ids = newIds();
    const owner = await service.createUser();
    await service.deliver(paddleEvent('subscription.activated', { ...ids, userId: owner, occurredAt: new Date('2024-06-01T00:00:00Z') }));

    const reply = await service.deliver(paddleEvent('subscription.canceled', { ...ids, userId: null, occurredAt: new Date('2024-06-03T00:00:00Z') }));

    expect(reply.body).toMatchObject({ outcome: 'applied' });
    expect(await subscription(ids.subscriptionId)).toEqual({ user_id: owner, status: 'canceled' });
  });
});

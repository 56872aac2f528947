import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { inTransaction, paddleCustomers, subscriptionItems, subscriptions, users } from '@tp/db';
import { createTestDatabase, type TestDatabase } from '@tp/testing';
import { applyPaddleEvent, type Applied } from './apply-paddle-event';
import { BillingStore } from './billing-store';
import type { PaddleEvent } from './paddle-event';

const PREMIUM = 'pri_01applyspecpremium000000000';
const OTHER = 'pri_01applyspecother00000000000';
const NOW = new Date('2026-05-01T00:00:00Z');
const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

/** A subscription event as Paddle sends it (only the fields we read, plus custom_data). */
function subscriptionEvent(data: Record<string, unknown>, options: { type?: string; at?: string } = {}): PaddleEvent {
  return {
    eventId: id('evt'),
    eventType: options.type ?? 'subscription.activated',
    notificationId: null,
    occurredAt: new Date(options.at ?? '2026-04-01T10:00:00Z'),
    data,
    payload: { data },
  };
}

const subscriptionData = (overrides: Record<string, unknown> = {}) => ({
  id: id('sub'),
  status: 'active',
  customer_id: id('ctm'),
  current_billing_period: { starts_at: '2026-04-01T00:00:00Z', ends_at: '2026-05-01T00:00:00Z' },
  items: [{ price: { id: PREMIUM }, status: 'active', quantity: 1 }],
  ...overrides,
});

describe('applyPaddleEvent (real Postgres)', () => {
  let testDb: TestDatabase;
  const apply = (event: PaddleEvent): Promise<Applied> =>
    inTransaction(testDb.database.pool, (tx) => applyPaddleEvent({ store: new BillingStore(tx), now: NOW, premiumPriceIds: [PREMIUM] }, event));
  const db = () => testDb.database.db;
  const newUser = async () => {
    const [row] = await db().insert(users).values({ keycloakId: randomUUID() }).returning({ id: users.id });
    return row!.id;
  };
  const storedSubscription = async (subscriptionId: string) =>
    (await db().select().from(subscriptions).where(eq(subscriptions.paddleSubscriptionId, subscriptionId)))[0];
  const customerOwner = async (customerId: string) =>
    (await db().select().from(paddleCustomers).where(eq(paddleCustomers.customerId, customerId)))[0]?.userId;
  const itemsOf = async (subscriptionId: string) =>
    (await db().select().from(subscriptionItems).where(eq(subscriptionItems.paddleSubscriptionId, subscriptionId)))
      .map(({ priceId, status, quantity }) => ({ priceId, status, quantity }))
      .sort((a, b) => a.priceId.localeCompare(b.priceId));

  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(() => testDb.drop());

  describe('subscription events', () => {
    it("stores the subscription for the account in custom_data and binds the customer to it", async () => {
      const userId = await newUser();
      const data = subscriptionData({
        custom_data: { userId: userId.toUpperCase() },
        scheduled_change: { action: 'cancel', effective_at: '2026-05-01T00:00:00Z' },
        canceled_at: '2026-04-02T00:00:00Z',
      });

      const applied = await apply(subscriptionEvent(data));

      expect(applied).toEqual({ result: { outcome: 'applied', userId, subscriptionId: data.id, customerId: data.customer_id }, notices: [] });
      expect(await storedSubscription(data.id)).toMatchObject({
        customerId: data.customer_id,
        userId,
        status: 'active',
        priceId: PREMIUM,
        currentPeriodEnd: new Date('2026-05-01T00:00:00Z'),
        scheduledChange: { action: 'cancel', effective_at: '2026-05-01T00:00:00Z' },
        canceledAt: new Date('2026-04-02T00:00:00Z'),
        lastEventAt: new Date('2026-04-01T10:00:00Z'),
      });
      expect(await customerOwner(data.customer_id)).toBe(userId);
    });

    it('keeps no period end, scheduled change or cancel time the event does not carry', async () => {
      const data = subscriptionData({ current_billing_period: null });
      await apply(subscriptionEvent(data));
      expect(await storedSubscription(data.id)).toMatchObject({ currentPeriodEnd: null, scheduledChange: null, canceledAt: null });
    });

    it('stores a subscription for a user this database has not seen as unmatched, bound all the same', async () => {
      const stranger = randomUUID();
      const data = subscriptionData({ custom_data: { userId: stranger } });
      const { result } = await apply(subscriptionEvent(data));
      expect(result).toMatchObject({ outcome: 'unmatched', userId: stranger });
      expect((await storedSubscription(data.id))?.userId).toBe(stranger);
      expect(await customerOwner(data.customer_id)).toBe(stranger);
    });

    it('stores a subscription without any account as unmatched and binds nothing', async () => {
      const data = subscriptionData({ custom_data: { userId: 'not-a-uuid' } });
      const { result } = await apply(subscriptionEvent(data));
      expect(result).toMatchObject({ outcome: 'unmatched', userId: null });
      expect((await storedSubscription(data.id))?.userId).toBeNull();
      expect(await customerOwner(data.customer_id)).toBeUndefined();
    });

    it("follows the customer's bound account when the event names none", async () => {
      const userId = await newUser();
      const first = subscriptionData({ custom_data: { userId } });
      await apply(subscriptionEvent(first));
      const second = subscriptionData({ customer_id: first.customer_id });
      const { result } = await apply(subscriptionEvent(second));
      expect(result).toMatchObject({ outcome: 'applied', userId });
      expect((await storedSubscription(second.id))?.userId).toBe(userId);
    });

    it('changes nothing when an older event arrives after a newer one (stale)', async () => {
      const userId = await newUser();
      const data = subscriptionData({ custom_data: { userId } });
      await apply(subscriptionEvent(data, { at: '2026-04-10T00:00:00Z' }));
      const { result } = await apply(subscriptionEvent({ ...data, status: 'canceled', items: [] }, { type: 'subscription.canceled', at: '2026-04-09T00:00:00Z' }));
      expect(result).toEqual({ outcome: 'stale', userId, subscriptionId: data.id, customerId: data.customer_id });
      expect((await storedSubscription(data.id))?.status).toBe('active');
      expect(await itemsOf(data.id)).toEqual([{ priceId: PREMIUM, status: 'active', quantity: 1 }]);
    });

    it('replaces the items by the event\'s, one per price, skipping items without a price', async () => {
      const data = subscriptionData({
        items: [
          { price: null, status: 'active', quantity: 1 },
          { price: { id: OTHER }, status: 'active', quantity: 2 },
          { price: { id: PREMIUM }, status: 'trialing', quantity: 1 },
          { price: { id: OTHER }, status: 'inactive', quantity: 3 },
        ],
      });
      await apply(subscriptionEvent(data));
      // The stored price is the first item that has one.
      expect((await storedSubscription(data.id))?.priceId).toBe(OTHER);
      expect(await itemsOf(data.id)).toEqual([
        { priceId: OTHER, status: 'inactive', quantity: 3 },
        { priceId: PREMIUM, status: 'trialing', quantity: 1 },
      ]);
      await apply(subscriptionEvent({ ...data, items: [] }, { type: 'subscription.updated', at: '2026-04-02T00:00:00Z' }));
      expect(await itemsOf(data.id)).toEqual([]);
      expect((await storedSubscription(data.id))?.priceId).toBeNull();
    });

    it('names the prices of a subscription without any premium price (unmapped), once each', async () => {
      const data = subscriptionData({
        items: [
          { price: { id: OTHER }, status: 'active', quantity: 1 },
          { price: null, status: 'active', quantity: 1 },
        ],
      });
      const { notices } = await apply(subscriptionEvent(data));
      expect(notices).toEqual([{ kind: 'unmapped_prices', subscriptionId: data.id, priceIds: [OTHER] }]);
      const mapped = subscriptionData({ items: [{ price: { id: OTHER }, status: 'active', quantity: 1 }, { price: { id: PREMIUM }, status: 'active', quantity: 1 }] });
      expect((await apply(subscriptionEvent(mapped))).notices).toEqual([]);
    });

    it('refuses an event that names another account than the subscription is bound to, changing nothing', async () => {
      const [owner, intruder] = [await newUser(), await newUser()];
      const data = subscriptionData({ custom_data: { userId: owner } });
      await apply(subscriptionEvent(data));
      const event = subscriptionEvent({ ...data, status: 'paused', custom_data: { userId: intruder } }, { type: 'subscription.paused', at: '2026-04-05T00:00:00Z' });

      const applied = await apply(event);

      expect(applied).toEqual({
        result: { outcome: 'conflict', userId: owner, subscriptionId: data.id, customerId: data.customer_id },
        notices: [
          {
            kind: 'binding_conflict',
            eventType: 'subscription.paused',
            conflict: { bound: 'subscription', id: data.id, boundUserId: owner, claimedUserId: intruder },
          },
        ],
      });
      expect(await storedSubscription(data.id)).toMatchObject({ status: 'active', userId: owner });
    });

    it('refuses a new subscription naming another account than its customer is bound to', async () => {
      const [owner, intruder] = [await newUser(), await newUser()];
      const first = subscriptionData({ custom_data: { userId: owner } });
      await apply(subscriptionEvent(first));
      const second = subscriptionData({ customer_id: first.customer_id, custom_data: { userId: intruder } });
      const { result, notices } = await apply(subscriptionEvent(second));
      expect(result).toMatchObject({ outcome: 'conflict', userId: owner });
      expect(notices[0]).toMatchObject({ conflict: { bound: 'customer', id: first.customer_id } });
      expect(await storedSubscription(second.id)).toBeUndefined();
    });

    it('fails an event whose data is not a subscription, touching nothing', async () => {
      expect(await apply(subscriptionEvent({ id: id('sub') }))).toEqual({
        result: { outcome: 'failed', userId: null, subscriptionId: null, customerId: null },
        notices: [],
      });
    });
  });

  describe('transaction events', () => {
    const transaction = (type: string, data: Record<string, unknown>) => subscriptionEvent({ id: id('txn'), ...data }, { type });

    it.each([
      ['transaction.completed', 'completed'],
      ['transaction.paid', 'paid'],
    ])('binds the customer of a %s (%s) transaction to custom_data.userId', async (type, status) => {
      const userId = await newUser();
      const customerId = id('ctm');
      const { result } = await apply(transaction(type, { status, customer_id: customerId, custom_data: { userId } }));
      expect(result).toEqual({ outcome: 'applied', userId, subscriptionId: null, customerId });
      expect(await customerOwner(customerId)).toBe(userId);
    });

    it('binds nothing for a transaction that did not pay, whatever its custom_data says', async () => {
      const userId = await newUser();
      const [failed, draft] = [id('ctm'), id('ctm')];
      const refused = await apply(transaction('transaction.payment_failed', { status: 'paid', customer_id: failed, custom_data: { userId } }));
      expect(refused.result).toMatchObject({ outcome: 'unmatched', userId: null });
      await apply(transaction('transaction.completed', { status: 'draft', customer_id: draft, custom_data: { userId } }));
      expect(await customerOwner(failed)).toBeUndefined();
      expect(await customerOwner(draft)).toBeUndefined();
    });

    it('records a failed payment for the account its customer is already bound to', async () => {
      const userId = await newUser();
      const customerId = id('ctm');
      await apply(transaction('transaction.paid', { status: 'paid', customer_id: customerId, custom_data: { userId } }));
      const { result } = await apply(transaction('transaction.payment_failed', { status: 'past_due', customer_id: customerId, subscription_id: 'sub_x' }));
      expect(result).toEqual({ outcome: 'applied', userId, subscriptionId: 'sub_x', customerId });
    });

    it('refuses a paid transaction naming another account than its customer is bound to', async () => {
      const [owner, intruder] = [await newUser(), await newUser()];
      const customerId = id('ctm');
      await apply(transaction('transaction.paid', { status: 'paid', customer_id: customerId, custom_data: { userId: owner } }));
      const { result, notices } = await apply(transaction('transaction.completed', { status: 'completed', customer_id: customerId, custom_data: { userId: intruder } }));
      expect(result).toMatchObject({ outcome: 'conflict', userId: owner, customerId });
      expect(notices).toEqual([{ kind: 'binding_conflict', eventType: 'transaction.completed', conflict: { bound: 'customer', id: customerId, boundUserId: owner, claimedUserId: intruder } }]);
      expect(await customerOwner(customerId)).toBe(owner);
    });

    it('names no account for a paid transaction without a customer', async () => {
      const userId = await newUser();
      const { result } = await apply(transaction('transaction.paid', { status: 'paid', custom_data: { userId } }));
      expect(result).toEqual({ outcome: 'applied', userId, subscriptionId: null, customerId: null });
    });

    it('fails a transaction event whose data is not a transaction', async () => {
      expect((await apply(transaction('transaction.paid', { status: 5 }))).result).toEqual({
        outcome: 'failed',
        userId: null,
        subscriptionId: null,
        customerId: null,
      });
    });
  });

  it("binds no customer for an event that only follows its subscription's account", async () => {
    const userId = await newUser();
    const data = subscriptionData({ custom_data: { userId } });
    await apply(subscriptionEvent(data));
    const [moved, failed] = [id('ctm'), id('ctm')];
    const { custom_data: _claim, ...unclaimed } = { ...data, customer_id: moved } as Record<string, unknown>;
    const updated = await apply(subscriptionEvent(unclaimed, { type: 'subscription.updated', at: '2026-04-02T10:00:00Z' }));
    expect(updated.result).toMatchObject({ outcome: 'applied', userId });
    const payment = subscriptionEvent({ id: id('txn'), status: 'past_due', customer_id: failed, subscription_id: data.id }, { type: 'transaction.payment_failed' });
    expect((await apply(payment)).result).toMatchObject({ outcome: 'applied', userId });
    expect(await customerOwner(moved)).toBeUndefined();
    expect(await customerOwner(failed)).toBeUndefined();
  });

  it('answers unsupported for any other event type, touching nothing', async () => {
    const data = subscriptionData();
    expect(await apply(subscriptionEvent(data, { type: 'customer.created' }))).toEqual({
      result: { outcome: 'unsupported', userId: null, subscriptionId: null, customerId: null },
      notices: [],
    });
    expect(await storedSubscription(data.id)).toBeUndefined();
  });
});

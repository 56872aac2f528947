import { randomBytes, randomUUID } from 'node:crypto';
import { inTransaction, paddleCustomers, subscriptions, users } from '@tp/db';
import { createTestDatabase, type TestDatabase } from '@tp/testing';
import { BillingStore } from './billing-store';
import { resolveBinding, type BindingClaim } from './event-binding';

const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

describe('resolveBinding (real Postgres)', () => {
  let testDb: TestDatabase;
  const resolve = (claim: Partial<BindingClaim>) =>
    inTransaction(testDb.database.pool, (tx) =>
      resolveBinding(new BillingStore(tx), { customerId: null, subscriptionId: null, claimedUserId: null, ...claim }),
    );
  const db = () => testDb.database.db;
  const newUser = async () => (await db().insert(users).values({ keycloakId: randomUUID() }).returning({ id: users.id }))[0]!.id;
  const boundCustomer = async (userId: string) => {
    const customerId = id('ctm');
    await db().insert(paddleCustomers).values({ customerId, userId });
    return customerId;
  };
  const boundSubscription = async (userId: string) => {
    const paddleSubscriptionId = id('sub');
    await db().insert(subscriptions).values({ paddleSubscriptionId, customerId: id('ctm'), userId, status: 'active', lastEventAt: new Date() });
    return paddleSubscriptionId;
  };

  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(() => testDb.drop());

  it('binds an unbound customer to the account an event claims', async () => {
    const userId = await newUser();
    expect(await resolve({ customerId: id('ctm'), claimedUserId: userId })).toEqual({ userId, bindsCustomer: true, conflict: null });
  });

  it('binds nothing without a claim, without a customer, or for a customer already bound to the claimed account', async () => {
    const userId = await newUser();
    expect(await resolve({ customerId: id('ctm') })).toEqual({ userId: null, bindsCustomer: false, conflict: null });
    expect(await resolve({ claimedUserId: userId })).toEqual({ userId, bindsCustomer: false, conflict: null });
    const customerId = await boundCustomer(userId);
    expect(await resolve({ customerId, claimedUserId: userId })).toEqual({ userId, bindsCustomer: false, conflict: null });
  });

  it("follows the subscription's account, then the customer's, for an event without a claim", async () => {
    const [subscriber, customer] = [await newUser(), await newUser()];
    const subscriptionId = await boundSubscription(subscriber);
    const customerId = await boundCustomer(customer);
    expect(await resolve({ subscriptionId, customerId })).toEqual({ userId: subscriber, bindsCustomer: false, conflict: null });
    expect(await resolve({ customerId })).toEqual({ userId: customer, bindsCustomer: false, conflict: null });
  });

  it('refuses a claim of another account than the bound subscription or customer, binding nothing', async () => {
    const [owner, claimant] = [await newUser(), await newUser()];
    const subscriptionId = await boundSubscription(owner);
    expect(await resolve({ subscriptionId, customerId: id('ctm'), claimedUserId: claimant })).toEqual({
      userId: owner,
      bindsCustomer: false,
      conflict: { bound: 'subscription', id: subscriptionId, boundUserId: owner, claimedUserId: claimant },
    });
    const customerId = await boundCustomer(owner);
    expect(await resolve({ customerId, claimedUserId: claimant })).toEqual({
      userId: owner,
      bindsCustomer: false,
      conflict: { bound: 'customer', id: customerId, boundUserId: owner, claimedUserId: claimant },
    });
  });

  it("holds the customer's lock until the transaction ends: a second event for the customer waits", async () => {
    const customerId = id('ctm');
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolveHold) => (releaseFirst = resolveHold));
    let firstLocked!: () => void;
    const locked = new Promise<void>((resolveLocked) => (firstLocked = resolveLocked));
    const first = inTransaction(testDb.database.pool, async (tx) => {
      await resolveBinding(new BillingStore(tx), { customerId, subscriptionId: null, claimedUserId: null });
      firstLocked();
      await firstHolds;
    });
    await locked;
    let secondDone = false;
    const second = resolve({ customerId }).then(() => (secondDone = true));
    await new Promise((wait) => setTimeout(wait, 300));
    expect(secondDone).toBe(false);
    releaseFirst();
    await Promise.all([first, second]);
    expect(secondDone).toBe(true);
  });
});

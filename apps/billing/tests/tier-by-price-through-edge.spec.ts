import { randomBytes } from 'node:crypto';
import { msUntil, startTestStack, type TestStack } from '@tp/testing';
import { edgeClient } from './support/edge-client';
import { PREMIUM_PRICE_ID, newIds, paddleEvent, unlistedPriceId } from './support/paddle-fixtures';

const SECRET = 'pdl_ntfset_e2e_tier_by_price';
const PROPAGATION_MS = 1000;

// Edge, user, billing and upload as their own processes; only PREMIUM_PRICE_ID buys PREMIUM. The
// account cache TTL is a minute, so a change seen within 1 s came through billing's announcement.
describe('tier by price and binding by money, through the edge', () => {
  let stack: TestStack<'user' | 'billing' | 'upload'>;
  let client: ReturnType<typeof edgeClient>;

  beforeAll(async () => {
    const unique = randomBytes(6).toString('hex');
    stack = await startTestStack({
      services: ['user', 'billing', 'upload'],
      env: {
        LOG_LEVEL: 'warn',
        ENTITLEMENTS_CHANNEL: `entitlements:e2e:${unique}`,
        ENTITLEMENTS_CACHE_TTL_MS: '60000',
        PADDLE_PREMIUM_PRICE_IDS: PREMIUM_PRICE_ID,
      },
      serviceEnv: { billing: { PADDLE_WEBHOOK_SECRET: SECRET } },
      edge: { LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '10000' },
    });
    client = edgeClient(stack.edge!.url, SECRET);
  }, 90_000);
  afterAll(() => stack?.stop());

  /** A fresh signed-in account (its own Keycloak subject) and its users.id. */
  async function account(): Promise<{ token: string; userId: string }> {
    const token = await stack.idp.issueToken('free@example.com', { claims: { sub: `price-${randomBytes(6).toString('hex')}` } });
    return { token, userId: (await client.get('/api/v1/user/profile', token))['id'] as string };
  }

  async function expectFreeEverywhere(token: string): Promise<void> {
    expect(await client.get('/api/v1/user/profile', token)).toMatchObject({ tier: 'FREE' });
    expect(await client.get('/api/v1/user/limits', token)).toMatchObject({ tier: 'FREE', batchUploads: false });
    expect(await client.big(token)).toMatchObject({ status: 413, body: { details: { tier: 'FREE' } } });
    expect(await client.batch(token)).toMatchObject({ status: 403, body: { upgradeUrl: '/pricing' } });
  }

  let owner: { token: string; userId: string };
  let ownerIds: { subscriptionId: string; customerId: string; userId: string };

  it('leaves a user whose only price is unlisted FREE everywhere, and makes them PREMIUM within 1 s of a listed-price item', async () => {
    owner = await account();
    ownerIds = { ...newIds(), userId: owner.userId };
    const addOn = unlistedPriceId();

    const created = await client.webhook(paddleEvent('subscription.created', { ...ownerIds, occurredAt: new Date(Date.now() - 60_000), items: [{ priceId: addOn }] }));
    expect(created).toMatchObject({ status: 200, body: { outcome: 'applied' } });
    await expectFreeEverywhere(owner.token);
    expect(await client.get('/api/v1/user/profile', owner.token)).toMatchObject({ subscription: { status: 'active' } });

    const updated = await client.webhook(
      paddleEvent('subscription.updated', { ...ownerIds, occurredAt: new Date(Date.now() - 30_000), items: [{ priceId: addOn }, { priceId: PREMIUM_PRICE_ID }] }),
    );
    expect(updated).toMatchObject({ status: 200, body: { outcome: 'applied' } });
    const [limitsMs, batchMs] = await Promise.all([
      msUntil(async () => (await client.tierOf(owner.token)) === 'PREMIUM', 5000, { since: updated.at }),
      msUntil(async () => (await client.batch(owner.token)).status === 201, 5000, { since: updated.at }),
    ]);

    expect(limitsMs).toBeLessThanOrEqual(PROPAGATION_MS);
    expect(batchMs).toBeLessThanOrEqual(PROPAGATION_MS);
    expect(await client.get('/api/v1/user/profile', owner.token)).toMatchObject({ tier: 'PREMIUM', subscription: { status: 'active' } });
    expect((await client.big(owner.token)).status).toBe(201);
  }, 60_000);

  it("binds nothing on transaction.payment_failed with a userId: the customer's unbound subscription stays nobody's", async () => {
    const payer = await account();
    const ids = { ...newIds(), userId: payer.userId };
    // A listed-price subscription of a customer no account is bound to yet (no custom_data).
    expect(await client.webhook(paddleEvent('subscription.activated', { ...ids, userId: null, occurredAt: new Date(Date.now() - 60_000) }))).toMatchObject({
      body: { outcome: 'unmatched' },
    });

    const failed = await client.webhook(paddleEvent('transaction.payment_failed', ids));

    expect(failed.status).toBe(200);
    await expectFreeEverywhere(payer.token);

    // Money received: the same customer is bound now, and its subscription with it.
    const paid = await client.webhook(paddleEvent('transaction.completed', ids));
    expect(paid).toMatchObject({ status: 200, body: { outcome: 'applied' } });
    expect(await msUntil(async () => (await client.tierOf(payer.token)) === 'PREMIUM', 5000, { since: paid.at })).toBeLessThanOrEqual(PROPAGATION_MS);
  }, 60_000);

  it("does not let a second account's custom_data take over a bound customer or subscription", async () => {
    const intruder = await account();
    const claims = { subscriptionId: ownerIds.subscriptionId, customerId: ownerIds.customerId, userId: intruder.userId };

    const onSubscription = await client.webhook(paddleEvent('subscription.updated', { ...claims, occurredAt: new Date(), data: { status: 'paused' } }));
    const onCustomer = await client.webhook(paddleEvent('transaction.completed', claims));
    const newSubscription = await client.webhook(paddleEvent('subscription.created', { ...claims, subscriptionId: newIds().subscriptionId, occurredAt: new Date() }));

    for (const reply of [onSubscription, onCustomer, newSubscription]) expect(reply).toMatchObject({ status: 200, body: { outcome: 'conflict' } });
    await expectFreeEverywhere(intruder.token);
    expect(await client.get('/api/v1/user/profile', owner.token)).toMatchObject({ tier: 'PREMIUM', subscription: { status: 'active' } });
    expect((await client.batch(owner.token)).status).toBe(201);
  }, 60_000);
});

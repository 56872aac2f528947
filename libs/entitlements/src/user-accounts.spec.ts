import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Identity } from '@tp/auth';
import { createLogger } from '@tp/logging';
import { createTestDatabase, eventually, freePort, loadTestConfig, startTcpProxy, type TcpProxy, type TestDatabase } from '@tp/testing';
import { AccountCache } from './account-cache';
import { AccountStore } from './account-store';
import { connectEntitlementCache, createEntitlementPublisher, publishEntitlementChange } from './entitlement-redis';
import { UserAccounts, type RegistrationFlag } from './user-accounts';

const REDIS_URL = loadTestConfig().TEST_REDIS_URL;
const logger = createLogger({ service: 'test', level: 'silent' });
const open: RegistrationFlag = { isEnabled: async () => true };
const PREMIUM_PRICE = 'pri_01userspecpremium00000000000';
const ADD_ON_PRICE = 'pri_01userspecaddon0000000000000';

const identity = (roles: string[] = []): Identity => {
  const userId = randomUUID();
  return { userId, email: `${userId}@example.com`, username: userId.slice(0, 8), roles, tier: 'FREE' };
};

describe('UserAccounts with the AccountCache', () => {
  let testDb: TestDatabase;
  let publisher: Redis;
  const caches: AccountCache[] = [];
  const proxies: TcpProxy[] = [];
  const channel = `entitlements-test:${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    publisher = createEntitlementPublisher(REDIS_URL, logger);
  });
  afterAll(async () => {
    await Promise.all(caches.map((cache) => cache.close()));
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await publisher?.quit();
    await testDb?.drop();
  });

  async function accountsOn(redisUrl: string | undefined, ttlMs: number): Promise<{ accounts: UserAccounts; cache: AccountCache }> {
    const cache = redisUrl
      ? connectEntitlementCache({ redisUrl, settings: { channel, cacheTtlMs: ttlMs }, logger })
      : new AccountCache({ ttlMs });
    caches.push(cache);
    await cache.start(300);
    // Under load the subscription may take longer than start() waits: live ones wait for it here.
    if (redisUrl === REDIS_URL) await eventually(async () => cache.live, 5000);
    return { accounts: new UserAccounts(new AccountStore(testDb.database.db), cache, () => new Date(), open, [PREMIUM_PRICE]), cache };
  }

  async function subscribe(userId: string, status: string, priceIds: string[] = [PREMIUM_PRICE]): Promise<void> {
    const subscriptionId = `sub_${userId}`;
    await testDb.database.pool.query(
      `INSERT INTO subscriptions (paddle_subscription_id, customer_id, user_id, status, current_period_end, last_event_at)
       VALUES ($1, $2, $3, $4, now() + interval '30 days', now())
       ON CONFLICT (paddle_subscription_id) DO UPDATE SET status = EXCLUDED.status, last_event_at = now()`,
      [subscriptionId, `ctm_${userId}`, userId, status],
    );
    for (const priceId of priceIds) {
      await testDb.database.pool.query(
        `INSERT INTO subscription_items (paddle_subscription_id, price_id, status, quantity) VALUES ($1, $2, 'active', 1) ON CONFLICT DO NOTHING`,
        [subscriptionId, priceId],
      );
    }
  }

  it('gives a paying user without the role PREMIUM, and the role PREMIUM without paying', async () => {
    const { accounts } = await accountsOn(undefined, 5000);
    const payer = identity();
    const { user } = await accounts.sync(payer);
    await subscribe(user.id, 'active');

    expect(await accounts.sync(payer)).toMatchObject({ tier: 'PREMIUM', user: { tier: 'PREMIUM' }, subscription: { status: 'active' } });
    expect(await accounts.sync(identity(['premium-user']))).toMatchObject({ tier: 'PREMIUM', subscription: null });
    expect(await accounts.sync(identity(['admin']))).toMatchObject({ tier: 'FREE', subscription: null });
  });

  it('gives an active subscription whose only price is not listed FREE, and PREMIUM once a listed item is added', async () => {
    const { accounts } = await accountsOn(undefined, 5000);
    const buyer = identity();
    const { user } = await accounts.sync(buyer);

    await subscribe(user.id, 'active', [ADD_ON_PRICE]);
    expect(await accounts.sync(buyer)).toMatchObject({ tier: 'FREE', subscription: { status: 'active', items: [{ priceId: ADD_ON_PRICE }] } });

    await subscribe(user.id, 'active', [PREMIUM_PRICE]);
    const upgraded = await accounts.sync(buyer);
    expect(upgraded.tier).toBe('PREMIUM');
    expect(upgraded.subscription?.items.map((item) => item.priceId).sort()).toEqual([ADD_ON_PRICE, PREMIUM_PRICE].sort());
  });

  it('serves the cached account until billing announces the change, then reads the new state', async () => {
    const { accounts, cache } = await accountsOn(REDIS_URL, 60_000);
    expect(cache.live).toBe(true);
    const payer = identity();
    const { user } = await accounts.sync(payer);
    expect((await accounts.sync(payer)).tier).toBe('FREE');

    await subscribe(user.id, 'active');
    // Nothing announced yet: the cached copy (no database read) still answers.
    expect((await accounts.sync(payer)).tier).toBe('FREE');

    expect(await publishEntitlementChange(publisher, channel, user.id, logger)).toBe(true);
    await eventually(async () => (await accounts.sync(payer)).tier === 'PREMIUM', 5000);

    await subscribe(user.id, 'canceled');
    await publishEntitlementChange(publisher, channel, user.id, logger);
    await eventually(async () => (await accounts.sync(payer)).tier === 'FREE', 5000);
  });

  it('re-reads a cached account after the TTL when a change message was lost', async () => {
    const { accounts } = await accountsOn(REDIS_URL, 300);
    const payer = identity();
    const { user } = await accounts.sync(payer);
    await accounts.sync(payer);

    await subscribe(user.id, 'active');

    await eventually(async () => (await accounts.sync(payer)).tier === 'PREMIUM', 3000);
  });

  it('reads the database on every call while Redis is unreachable', async () => {
    const { accounts, cache } = await accountsOn(`redis://127.0.0.1:${await freePort()}`, 60_000);
    expect(cache.live).toBe(false);
    const payer = identity();
    const { user } = await accounts.sync(payer);
    await accounts.sync(payer);

    await subscribe(user.id, 'active');
    expect((await accounts.sync(payer)).tier).toBe('PREMIUM');
    await subscribe(user.id, 'canceled');
    expect((await accounts.sync(payer)).tier).toBe('FREE');
    expect(cache.size).toBe(0);
  });

  it('drops every cached account when the Redis connection goes down, so a missed cancel is not served', async () => {
    const redis = new URL(REDIS_URL);
    const proxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
    proxies.push(proxy);
    const { accounts, cache } = await accountsOn(proxy.via(REDIS_URL), 60_000);
    await eventually(async () => cache.live, 5000);
    const payer = identity();
    const { user } = await accounts.sync(payer);
    // Cached as FREE first: only the announcement's drop can make the next reads PREMIUM (TTL 60 s),
    // so no announcement is still on its way when the PREMIUM row is cached below.
    await accounts.sync(payer);
    expect(cache.size).toBe(1);
    await subscribe(user.id, 'active');
    await publishEntitlementChange(publisher, channel, user.id, logger);
    await eventually(async () => (await accounts.sync(payer)).tier === 'PREMIUM', 5000);
    // The tier change was written to users.tier (entry dropped); this read caches the new row.
    await accounts.sync(payer);
    expect(cache.size).toBe(1);

    proxy.setMode('reset');
    await eventually(async () => !cache.live, 5000);
    // Billing's cancel announcement is lost while this process is cut off from Redis.
    await subscribe(user.id, 'canceled');
    await publishEntitlementChange(publisher, channel, user.id, logger);

    expect((await accounts.sync(payer)).tier).toBe('FREE');
    expect(cache.size).toBe(0);

    proxy.setMode('up');
    await eventually(async () => cache.live, 5000);
  });

  it('refuses a new account while registration is closed and never asks for an existing one', async () => {
    const cache = new AccountCache({ ttlMs: 5000 });
    const asked: string[] = [];
    const closed: RegistrationFlag = { isEnabled: async (_key, context) => (asked.push(context.userId), false) };
    const accounts = new UserAccounts(new AccountStore(testDb.database.db), cache, () => new Date(), closed, [PREMIUM_PRICE]);
    const newcomer = identity();
    const existing = identity();
    await (await accountsOn(undefined, 5000)).accounts.sync(existing);

    await expect(accounts.sync(newcomer)).rejects.toMatchObject({ status: 503, message: 'Registration is currently disabled' });
    expect(await accounts.find(newcomer)).toBeUndefined();
    expect((await accounts.sync(existing)).user.email).toBe(existing.email);
    expect(asked).toEqual([newcomer.userId]);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { DEV_PASSWORD } from '@tp/testing';
import { startUserService, TEST_PREMIUM_PRICE_ID, type UserService } from './support/user-service';

const PROFILE = '/api/v1/user/profile';
const DAY = 24 * 60 * 60 * 1000;

/** Tier derived from the subscriptions table the billing service writes (rows inserted here directly). */
describe('tier from Paddle subscriptions', () => {
  let service: UserService;

  beforeAll(async () => {
    service = await startUserService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  const sql = async <T>(text: string, params: unknown[] = []) => (await service.testDb.database.pool.query(text, params)).rows as T[];

  async function putSubscription(userId: string, status: string, periodEnd = new Date(Date.now() + 30 * DAY)): Promise<string> {
    const id = `sub_${randomBytes(8).toString('hex')}`;
    await sql(
      `INSERT INTO subscriptions (paddle_subscription_id, customer_id, user_id, status, current_period_end, last_event_at)
       VALUES ($1, 'ctm_test', $2, $3, $4, now())`,
      [id, userId, status, periodEnd],
    );
    await sql(`INSERT INTO subscription_items (paddle_subscription_id, price_id, status, quantity) VALUES ($1, $2, 'active', 1)`, [id, TEST_PREMIUM_PRICE_ID]);
    return id;
  }
  const setStatus = (id: string, status: string) => sql('UPDATE subscriptions SET status = $2 WHERE paddle_subscription_id = $1', [id, status]);

  async function get(path: string, token: string): Promise<Record<string, unknown>> {
    const response = await service.get(path, { token });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }
  const storedTier = async (id: string) => (await sql<{ tier: string; xmin: string }>('SELECT tier::text AS tier, xmin::text AS xmin FROM users WHERE id = $1', [id]))[0]!;

  it('takes a free user FREE → PREMIUM (active) → FREE (canceled) in profile and limits', async () => {
    const token = await service.idp.passwordGrant('free@example.com', DEV_PASSWORD);
    const { id } = (await get(PROFILE, token)) as { id: string };
    expect(await get(PROFILE, token)).toMatchObject({ tier: 'FREE', subscription: null });

    const subscriptionId = await putSubscription(id, 'active');
    expect(await get(PROFILE, token)).toMatchObject({
      tier: 'PREMIUM',
      subscription: { status: 'active', currentPeriodEnd: expect.any(String), canceledAt: null },
    });
    expect(await get('/api/v1/user/limits', token)).toMatchObject({ tier: 'PREMIUM', batchUploads: true });
    expect((await storedTier(id)).tier).toBe('PREMIUM');

    await setStatus(subscriptionId, 'canceled');
    expect(await get(PROFILE, token)).toMatchObject({ tier: 'FREE', subscription: { status: 'canceled' } });
    expect(await get('/api/v1/user/limits', token)).toMatchObject({ tier: 'FREE' });
    expect((await storedTier(id)).tier).toBe('FREE');
  });

  it('writes the stored tier once when it changes and not on later requests', async () => {
    const token = await service.idp.passwordGrant('admin@example.com', DEV_PASSWORD);
    const { id } = (await get(PROFILE, token)) as { id: string };
    await putSubscription(id, 'trialing');
    await get(PROFILE, token);
    const after = await storedTier(id);

    for (let i = 0; i < 5; i += 1) await get(PROFILE, token);

    expect(await storedTier(id)).toEqual(after);
    expect(after.tier).toBe('PREMIUM');
  });

  it('keeps past_due PREMIUM until the current period ends, FREE after', async () => {
    const token = await service.idp.issueToken('free@example.com', { claims: { sub: `grace-${randomBytes(4).toString('hex')}` } });
    const { id } = (await get(PROFILE, token)) as { id: string };
    const subscriptionId = await putSubscription(id, 'past_due');
    expect(await get(PROFILE, token)).toMatchObject({ tier: 'PREMIUM', subscription: { status: 'past_due' } });

    await sql(`UPDATE subscriptions SET current_period_end = now() - interval '1 minute' WHERE paddle_subscription_id = $1`, [subscriptionId]);

    expect(await get(PROFILE, token)).toMatchObject({ tier: 'FREE', subscription: { status: 'past_due' } });
  });

  it('keeps the premium-user role PREMIUM whatever the subscription says', async () => {
    const token = await service.idp.passwordGrant('premium@example.com', DEV_PASSWORD);
    const { id } = (await get(PROFILE, token)) as { id: string };
    await putSubscription(id, 'canceled');

    expect(await get(PROFILE, token)).toMatchObject({ tier: 'PREMIUM', subscription: { status: 'canceled' } });
  });

  it('applies a subscription stored before the users row existed once that row appears', async () => {
    const sub = `late-${randomBytes(4).toString('hex')}`;
    const token = await service.idp.issueToken('free@example.com', { claims: { sub } });
    const userId = randomUUID();
    await putSubscription(userId, 'active');
    // The row the user service would hold for this user (e.g. restored), still FREE.
    await sql(`INSERT INTO users (id, keycloak_id, email, tier) VALUES ($1, $2, 'free@example.com', 'FREE')`, [userId, sub]);

    expect(await get(PROFILE, token)).toMatchObject({ id: userId, tier: 'PREMIUM' });
  });
});

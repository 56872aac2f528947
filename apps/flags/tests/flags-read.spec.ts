import { randomUUID } from 'node:crypto';
import { call } from '@tp/testing';
import { startFlagsStack, TEST_PREMIUM_PRICE_ID, type FlagsStack } from './support/flags-stack';

let stack: FlagsStack;
let adminToken: string;
let freeToken: string;
let premiumToken: string;

const flagsOf = (body: Record<string, unknown>) =>
  Object.fromEntries((body['flags'] as Array<{ key: string; enabled: boolean; reason: string }>).map((flag) => [flag.key, [flag.enabled, flag.reason]]));

beforeAll(async () => {
  stack = await startFlagsStack({ FEATURE_PAYMENTS_ENABLED: 'false' });
  [adminToken, freeToken, premiumToken] = await Promise.all([
    stack.token('admin@example.com'),
    stack.token('free@example.com'),
    stack.token('premium@example.com'),
  ]);
  const created = await Promise.all([
    call(`${stack.edgeUrl}/api/v1/flags`, { method: 'POST', token: adminToken, json: { key: 'beta-ui', enabled: true, tiers: ['PREMIUM'] } }),
    call(`${stack.edgeUrl}/api/v1/flags`, { method: 'POST', token: adminToken, json: { key: 'new-editor', enabled: true, rolloutPercentage: 50 } }),
    call(`${stack.edgeUrl}/api/v1/flags`, { method: 'POST', token: adminToken, json: { key: 'payments', enabled: true } }),
  ]);
  expect(created.map((reply) => reply.status)).toEqual([201, 201, 201]);
});

afterAll(async () => {
  await stack?.stop();
});

describe('GET /api/v1/flags', () => {
  it('evaluates every flag for a FREE user, with reasons', async () => {
    const reply = await call(`${stack.edgeUrl}/api/v1/flags`, { token: freeToken });

    expect(reply.status).toBe(200);
    expect(flagsOf(reply.body)).toEqual({
      ads: [true, 'STATIC'],
      'beta-ui': [false, 'DEFAULT'],
      'new-editor': [expect.any(Boolean), 'SPLIT'],
      payments: [false, 'DISABLED'],
      'premium-tools': [true, 'STATIC'],
      registration: [true, 'STATIC'],
    });
  });

  it('turns the PREMIUM-targeted flag on for a PREMIUM user', async () => {
    const reply = await call(`${stack.edgeUrl}/api/v1/flags`, { token: premiumToken });

    expect(reply.status).toBe(200);
    expect(flagsOf(reply.body)).toMatchObject({ 'beta-ui': [true, 'TARGETING_MATCH'], payments: [false, 'DISABLED'] });
  });

  it('turns the PREMIUM-targeted flag on for a paying user without the premium-user role', async () => {
    const sub = randomUUID();
    const payer = await stack.idp.issueToken('free@example.com', { claims: { sub, email: `${sub}@example.com`, preferred_username: 'payer' } });
    const profile = await call(`${stack.edgeUrl}/api/v1/user/profile`, { token: payer });
    expect(profile.body).toMatchObject({ tier: 'FREE' });
    expect((await call(`${stack.edgeUrl}/api/v1/flags/beta-ui`, { token: payer })).body).toMatchObject({ enabled: false });
    await stack.db.database.pool.query(
      `INSERT INTO subscriptions (paddle_subscription_id, customer_id, user_id, status, current_period_end, last_event_at)
       VALUES ($1, $2, $3, 'active', now() + interval '30 days', now())`,
      [`sub_${sub}`, `ctm_${sub}`, profile.body['id']],
    );
    await stack.db.database.pool.query(`INSERT INTO subscription_items (paddle_subscription_id, price_id, status, quantity) VALUES ($1, $2, 'active', 1)`, [
      `sub_${sub}`,
      TEST_PREMIUM_PRICE_ID,
    ]);

    // No billing here to announce it, so this waits out the account cache's TTL (5 s) at most.
    const deadline = Date.now() + 10_000;
    let reply = await call(`${stack.edgeUrl}/api/v1/flags/beta-ui`, { token: payer });
    while (!reply.body['enabled'] && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      reply = await call(`${stack.edgeUrl}/api/v1/flags/beta-ui`, { token: payer });
    }

    expect(reply.body).toEqual({ key: 'beta-ui', enabled: true, reason: 'TARGETING_MATCH' });
  });

  it('answers an anonymous caller without a token; a percentage flag is off with DEFAULT without an anonymous id', async () => {
    const reply = await call(`${stack.edgeUrl}/api/v1/flags`);

    expect(reply.status).toBe(200);
    expect(flagsOf(reply.body)).toMatchObject({ 'beta-ui': [false, 'DEFAULT'], 'new-editor': [false, 'DEFAULT'], ads: [true, 'STATIC'] });
  });

  it('buckets an anonymous caller by x-anonymous-id or ?anonymousId, stably', async () => {
    const byHeader = await call(`${stack.edgeUrl}/api/v1/flags`, { headers: { 'x-anonymous-id': 'visitor-0001' } });
    const byQuery = await call(`${stack.edgeUrl}/api/v1/flags?anonymousId=visitor-0001`);

    expect(flagsOf(byHeader.body)['new-editor']).toEqual([expect.any(Boolean), 'SPLIT']);
    expect(flagsOf(byQuery.body)['new-editor']).toEqual(flagsOf(byHeader.body)['new-editor']);
  });

  it('answers 400 naming anonymousId when it is malformed', async () => {
    const reply = await call(`${stack.edgeUrl}/api/v1/flags`, { headers: { 'x-anonymous-id': 'bad id!' } });

    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: 'validation_failed', message: expect.stringContaining('anonymousId'), requestId: expect.any(String) });
  });

  it('answers 304 to a matching If-None-Match, and 200 with a new ETag once a flag changes', async () => {
    const first = await call(`${stack.edgeUrl}/api/v1/flags`, { token: freeToken });
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(first.headers.get('cache-control')).toBe('private, no-cache');

    const unchanged = await call(`${stack.edgeUrl}/api/v1/flags`, { token: freeToken, headers: { 'if-none-match': etag! } });
    expect(unchanged.status).toBe(304);

    const patched = await call(`${stack.edgeUrl}/api/v1/flags/beta-ui`, { method: 'PATCH', token: adminToken, json: { tiers: ['FREE'] } });
    expect(patched.status).toBe(200);
    const changed = await call(`${stack.edgeUrl}/api/v1/flags`, { token: freeToken, headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(flagsOf(changed.body)['beta-ui']).toEqual([true, 'TARGETING_MATCH']);
  });
});

describe('GET /api/v1/flags/:key', () => {
  it('evaluates one flag for the caller', async () => {
    const reply = await call(`${stack.edgeUrl}/api/v1/flags/premium-tools`, { token: freeToken });

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ key: 'premium-tools', enabled: true, reason: 'STATIC' });
  });

  it('answers 404 JSON for an unknown key', async () => {
    const reply = await call(`${stack.edgeUrl}/api/v1/flags/no-such-flag`);

    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ error: 'not_found', message: "Unknown flag 'no-such-flag'", requestId: expect.any(String) });
  });
});

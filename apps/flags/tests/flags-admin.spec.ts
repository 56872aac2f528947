import jwt from 'jsonwebtoken';
import { call, msUntil } from '@tp/testing';
import { startFlagsStack, type FlagsStack } from './support/flags-stack';

let stack: FlagsStack;
let adminToken: string;
let freeToken: string;
let premiumToken: string;

const subjectOf = (token: string) => (jwt.decode(token) as { sub: string }).sub;

beforeAll(async () => {
  stack = await startFlagsStack();
  [adminToken, freeToken, premiumToken] = await Promise.all([
    stack.token('admin@example.com'),
    stack.token('free@example.com'),
    stack.token('premium@example.com'),
  ]);
});

afterAll(async () => {
  await stack?.stop();
});

const flagsUrl = (key = '') => `${stack.edgeUrl}/api/v1/flags${key ? `/${key}` : ''}`;

describe('POST /api/v1/flags', () => {
  it('creates a flag, recording the admin as updatedBy', async () => {
    const reply = await call(flagsUrl(), {
      method: 'POST',
      token: adminToken,
      json: { key: 'dark-mode', description: 'Dark theme', enabled: true, rolloutPercentage: 30, tiers: ['FREE'], userIds: { allow: ['a'], deny: ['b'] } },
    });

    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      key: 'dark-mode',
      description: 'Dark theme',
      enabled: true,
      rolloutPercentage: 30,
      tiers: ['FREE'],
      userIds: { allow: ['a'], deny: ['b'] },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      updatedBy: subjectOf(adminToken),
    });
    const { rows } = await stack.db.database.pool.query('SELECT key, updated_by FROM feature_flags WHERE key = $1', ['dark-mode']);
    expect(rows).toEqual([{ key: 'dark-mode', updated_by: subjectOf(adminToken) }]);
  });

  it('answers 409 when the key exists', async () => {
    await call(flagsUrl(), { method: 'POST', token: adminToken, json: { key: 'twice' } });

    const reply = await call(flagsUrl(), { method: 'POST', token: adminToken, json: { key: 'twice' } });

    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ error: 'conflict', message: "Flag 'twice' already exists" });
  });

  it.each([
    ['rolloutPercentage', { key: 'bad-pct', rolloutPercentage: 101 }],
    ['rolloutPercentage', { key: 'bad-pct', rolloutPercentage: -1 }],
    ['tiers', { key: 'bad-tier', tiers: ['GOLD'] }],
    ['key', { key: 'Bad_Key' }],
    ['key', { key: '1starts-with-digit' }],
    ['enabled', { key: 'bad-enabled', enabled: 'yes' }],
  ])('answers 400 ValidationError naming %s', async (field, json) => {
    const reply = await call(flagsUrl(), { method: 'POST', token: adminToken, json });

    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: 'validation_failed', message: expect.stringMatching(new RegExp(`^${field}(\\[\\d+\\])?: `)), requestId: expect.any(String) });
  });

  it('answers 403 for a non-admin and 401 without a token', async () => {
    const free = await call(flagsUrl(), { method: 'POST', token: freeToken, json: { key: 'sneaky' } });
    const premium = await call(flagsUrl(), { method: 'POST', token: premiumToken, json: { key: 'sneaky' } });
    const anonymous = await call(flagsUrl(), { method: 'POST', json: { key: 'sneaky' } });

    expect([free.status, premium.status, anonymous.status]).toEqual([403, 403, 401]);
    expect(free.body).toMatchObject({ error: 'forbidden' });
    expect(anonymous.body).toMatchObject({ error: 'unauthorized', message: 'Missing bearer token' });
    expect((await call(flagsUrl('sneaky'))).status).toBe(404);
  });
});

describe('PATCH /api/v1/flags/:key', () => {
  it('changes only the given fields and takes effect on the next evaluation', async () => {
    await call(flagsUrl(), { method: 'POST', token: adminToken, json: { key: 'editor-v2', enabled: false, description: 'kept' } });
    expect((await call(flagsUrl('editor-v2'), { token: freeToken })).body).toMatchObject({ enabled: false, reason: 'DISABLED' });

    const reply = await call(flagsUrl('editor-v2'), { method: 'PATCH', token: adminToken, json: { enabled: true, userIds: { deny: [subjectOf(freeToken)] } } });

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ key: 'editor-v2', enabled: true, description: 'kept', userIds: { allow: [], deny: [subjectOf(freeToken)] } });
    expect((await call(flagsUrl('editor-v2'), { token: freeToken })).body).toEqual({ key: 'editor-v2', enabled: false, reason: 'TARGETING_MATCH' });
    expect((await call(flagsUrl('editor-v2'), { token: premiumToken })).body).toEqual({ key: 'editor-v2', enabled: true, reason: 'STATIC' });
  });

  it('answers 404 for an unknown key, 400 for a bad field, 403 for a non-admin', async () => {
    expect((await call(flagsUrl('missing'), { method: 'PATCH', token: adminToken, json: { enabled: true } })).status).toBe(404);
    const bad = await call(flagsUrl('editor-v2'), { method: 'PATCH', token: adminToken, json: { rolloutPercentage: 200 } });
    expect(bad.status).toBe(400);
    expect(bad.body['message']).toContain('rolloutPercentage');
    expect((await call(flagsUrl('editor-v2'), { method: 'PATCH', token: freeToken, json: { enabled: false } })).status).toBe(403);
  });
});

describe('DELETE /api/v1/flags/:key', () => {
  it('removes the flag (then 404), and 403 for a non-admin', async () => {
    await call(flagsUrl(), { method: 'POST', token: adminToken, json: { key: 'short-lived', enabled: true } });
    expect((await call(flagsUrl('short-lived'), { method: 'DELETE', token: freeToken })).status).toBe(403);

    expect((await call(flagsUrl('short-lived'), { method: 'DELETE', token: adminToken })).status).toBe(204);

    expect((await call(flagsUrl('short-lived'))).status).toBe(404);
    expect((await call(flagsUrl('short-lived'), { method: 'DELETE', token: adminToken })).status).toBe(404);
  });
});

describe('a change through the admin API', () => {
  it('reaches the user service within a second (ads for FREE users in GET /api/v1/user/limits)', async () => {
    const limits = async () => (await call(`${stack.edgeUrl}/api/v1/user/limits`, { token: freeToken })).body['adsEnabled'];
    expect(await limits()).toBe(true);

    const created = await call(flagsUrl(), { method: 'POST', token: adminToken, json: { key: 'ads', enabled: true, tiers: ['PREMIUM'] } });
    expect(created.status).toBe(201);
    expect(await msUntil(async () => (await limits()) === false, 1000)).toBeLessThan(1000);

    await call(flagsUrl('ads'), { method: 'PATCH', token: adminToken, json: { tiers: ['FREE', 'PREMIUM'] } });
    expect(await msUntil(async () => (await limits()) === true, 1000)).toBeLessThan(1000);
  });
});

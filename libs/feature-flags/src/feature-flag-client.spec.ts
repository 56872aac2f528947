import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createDatabase, featureFlags } from '@tp/db';
import { createLogger } from '@tp/logging';
import { createTestDatabase, loadTestConfig, msUntil, type TestDatabase } from '@tp/testing';
import { createFlagSubscriber } from './create-flag-subscriber';
import { FeatureFlagClient, publishFlagChange } from './feature-flag-client';
import type { KillSwitches } from './flag-types';
import { loadFlagDefinitions } from './load-flag-definitions';

const ALL_ON: KillSwitches = { ads: true, payments: true, 'premium-tools': true, registration: true };
const REDIS_URL = loadTestConfig().TEST_REDIS_URL;
const logger = createLogger({ service: 'test', level: 'silent' });

describe('FeatureFlagClient', () => {
  let testDb: TestDatabase;
  let publisher: Redis;
  const clients: FeatureFlagClient[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase();
    publisher = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await testDb.database.db.delete(featureFlags);
  });
  afterAll(async () => {
    await publisher?.quit();
    await testDb?.drop();
  });

  function client(options: { ttlMs?: number; channel?: string; now?: () => number; load?: () => ReturnType<typeof loadFlagDefinitions> } = {}) {
    const created = new FeatureFlagClient({
      load: options.load ?? (() => loadFlagDefinitions(testDb.database.db)),
      killSwitches: ALL_ON,
      ttlMs: options.ttlMs ?? 5000,
      subscriber: options.channel ? createFlagSubscriber(REDIS_URL, logger) : undefined,
      channel: options.channel,
      logger,
      now: options.now,
    });
    clients.push(created);
    return created;
  }

  const insertFlag = (key: string, enabled: boolean) =>
    testDb.database.db.insert(featureFlags).values({ key, enabled }).onConflictDoUpdate({ target: featureFlags.key, set: { enabled } });

  it('evaluates DB flags and env-backed keys from the table', async () => {
    await insertFlag('beta-ui', true);

    const results = await client().evaluateAll({ userId: 'u1', tier: 'FREE' });

    expect(results.map((result) => [result.key, result.enabled, result.reason])).toEqual([
      ['ads', true, 'STATIC'],
      ['beta-ui', true, 'STATIC'],
      ['payments', true, 'STATIC'],
      ['premium-tools', true, 'STATIC'],
      ['registration', true, 'STATIC'],
    ]);
  });

  it('serves the cached copy until the TTL passes', async () => {
    let now = 1_000;
    const flags = client({ ttlMs: 5000, now: () => now });
    await insertFlag('beta-ui', true);
    expect(await flags.isEnabled('beta-ui', {})).toBe(true);

    await insertFlag('beta-ui', false);
    now += 4_999;
    expect(await flags.isEnabled('beta-ui', {})).toBe(true);
    now += 1;
    expect(await flags.isEnabled('beta-ui', {})).toBe(false);
  });

  it('reloads within a second of a change message on the channel', async () => {
    const channel = `feature-flags:test:${randomBytes(6).toString('hex')}`;
    const flags = client({ ttlMs: 60_000, channel });
    await flags.start();
    await insertFlag('beta-ui', true);
    expect(await flags.isEnabled('beta-ui', {})).toBe(true);

    await insertFlag('beta-ui', false);
    await publishFlagChange(publisher, channel, 'beta-ui');

    const elapsed = await msUntil(async () => !(await flags.isEnabled('beta-ui', {})), 1000);
    expect(elapsed).toBeLessThan(1000);
  });

  it('ignores messages on other channels', async () => {
    const channel = `feature-flags:test:${randomBytes(6).toString('hex')}`;
    const flags = client({ ttlMs: 60_000, channel });
    await flags.start();
    await insertFlag('beta-ui', true);
    expect(await flags.isEnabled('beta-ui', {})).toBe(true);

    await insertFlag('beta-ui', false);
    await publishFlagChange(publisher, `${channel}:other`, 'beta-ui');
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(await flags.isEnabled('beta-ui', {})).toBe(true);
  });

  it('runs one query for concurrent evaluations of a cold cache', async () => {
    let loads = 0;
    const flags = client({ load: () => ((loads += 1), loadFlagDefinitions(testDb.database.db)) });

    await Promise.all(Array.from({ length: 20 }, () => flags.evaluateAll({})));

    expect(loads).toBe(1);
  });

  it('keeps serving the previous flags when a reload fails, and fails when it has none', async () => {
    const pool = createDatabase({ url: testDb.url, poolMax: 1 });
    let now = 0;
    const flags = client({ ttlMs: 10, now: () => now, load: () => loadFlagDefinitions(pool.db) });
    await insertFlag('beta-ui', true);
    expect(await flags.isEnabled('beta-ui', {})).toBe(true);

    await pool.close();
    now += 100;
    expect(await flags.isEnabled('beta-ui', {})).toBe(true);

    const cold = client({ load: () => loadFlagDefinitions(pool.db) });
    await expect(cold.evaluateAll({})).rejects.toThrow();
  });
});

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadTestConfig } from '@tp/testing';
import { UploadSlots } from './upload-slots';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('UploadSlots (real Redis)', () => {
  const url = loadTestConfig().TEST_REDIS_URL;
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
    connections.push(redis);
    return redis;
  };
  const prefix = `upload-slots-test:${randomBytes(6).toString('hex')}:`;
  afterAll(() => Promise.all(connections.map((redis) => redis.quit().catch(() => undefined))));

  it('gives an owner at most `max` slots at once and another slot once one is released', async () => {
    const slots = new UploadSlots(connect(), { prefix });
    const first = await slots.acquire('user:a', 2);
    const second = await slots.acquire('user:a', 2);
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(await slots.acquire('user:a', 2)).toBeUndefined();
    // Another owner is not affected.
    expect(await slots.acquire('user:b', 2)).toBeDefined();

    await first!.release();
    await first!.release();
    expect(await slots.inFlight('user:a')).toBe(1);
    expect(await slots.acquire('user:a', 2)).toBeDefined();
  });

  it('agrees across replicas: two instances on two connections share one count', async () => {
    const [one, two] = [new UploadSlots(connect(), { prefix }), new UploadSlots(connect(), { prefix })];
    expect(await one.acquire('ip:203.0.113.7', 2)).toBeDefined();
    expect(await two.acquire('ip:203.0.113.7', 2)).toBeDefined();
    expect(await one.acquire('ip:203.0.113.7', 2)).toBeUndefined();
    expect(await two.acquire('ip:203.0.113.7', 2)).toBeUndefined();
  });

  it('keeps a running upload’s slot past the TTL by renewing it', async () => {
    const slots = new UploadSlots(connect(), { prefix, ttlMs: 300 });
    const held = await slots.acquire('user:renewed', 1);
    await pause(1000);
    expect(await slots.inFlight('user:renewed')).toBe(1);
    expect(await slots.acquire('user:renewed', 1)).toBeUndefined();
    await held!.release();
  });

  it('stops counting the slots of a replica that died without releasing them once their TTL passes', async () => {
    const crashed = connect();
    const dead = new UploadSlots(crashed, { prefix, ttlMs: 300 });
    expect(await dead.acquire('user:crash', 1)).toBeDefined();
    // The replica is gone: no renewal, no release.
    crashed.disconnect();
    const alive = new UploadSlots(connect(), { prefix, ttlMs: 300 });
    expect(await alive.acquire('user:crash', 1)).toBeUndefined();
    expect(await alive.inFlight('user:crash')).toBe(1);
    // Well past the TTL (a second more: the count reads Redis's clock to the millisecond).
    await pause(1400);
    expect(await alive.inFlight('user:crash')).toBe(0);
    expect(await alive.acquire('user:crash', 1)).toBeDefined();
  });

  it('stops counting an expired slot while the same owner’s live upload keeps the key', async () => {
    const crashed = connect();
    expect(await new UploadSlots(crashed, { prefix, ttlMs: 300 }).acquire('user:mixed', 2)).toBeDefined();
    crashed.disconnect();
    const alive = new UploadSlots(connect(), { prefix, ttlMs: 5000 });
    const held = await alive.acquire('user:mixed', 2);
    expect(await alive.inFlight('user:mixed')).toBe(2);
    await pause(1400);
    expect(await alive.inFlight('user:mixed')).toBe(1);
    await held!.release();
    expect(await alive.inFlight('user:mixed')).toBe(0);
  });
});

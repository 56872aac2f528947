import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadTestConfig } from '@tp/testing';
import { RedisLocker } from './redis-locker';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const running = () => new AbortController().signal;

describe('RedisLocker (real Redis)', () => {
  const url = loadTestConfig().TEST_REDIS_URL;
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(url, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return redis;
  };
  const prefix = `tus-test:${randomBytes(6).toString('hex')}:`;
  afterAll(() => Promise.all(connections.map((redis) => redis.quit().catch(() => undefined))));

  it('lets one replica hold an upload while another asks it to let go, then takes it', async () => {
    const [one, two] = [new RedisLocker(connect(), { prefix, ttlMs: 300 }), new RedisLocker(connect(), { prefix, ttlMs: 300 })];
    const held = one.newLock('a');
    const asked = jest.fn(() => held.unlock());
    await held.lock(running(), asked);
    // A renewed lock never expires: only the holder letting go (at its next renewal) frees it.
    await two.newLock('a').lock(running(), () => undefined);
    expect(asked).toHaveBeenCalledTimes(1);
  });

  it('keeps a renewed lock past its TTL, and frees a lock whose holder died after the TTL', async () => {
    const locker = new RedisLocker(connect(), { prefix, ttlMs: 200, acquireTimeoutMs: 150 });
    const renewed = locker.newLock('b');
    await renewed.lock(running(), () => undefined);
    await pause(450);
    await expect(locker.newLock('b').lock(running(), () => undefined)).rejects.toMatchObject({ status_code: 500 });
    await renewed.unlock();

    // A holder that never renews (its process was killed): the key expires by itself.
    const redis = connect();
    await redis.set(`${prefix}lock:c`, 'dead-replica', 'PX', 200);
    const started = Date.now();
    await new RedisLocker(connect(), { prefix, ttlMs: 200 }).newLock('c').lock(running(), () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('never deletes a lock another holder took since (compare-and-delete)', async () => {
    const redis = connect();
    const locker = new RedisLocker(redis, { prefix, ttlMs: 150 });
    const stale = locker.newLock('d');
    await stale.lock(running(), () => undefined);
    // The holder paused past its TTL without renewing (simulated: the key went), another took it.
    await redis.del(`${prefix}lock:d`);
    await redis.set(`${prefix}lock:d`, 'other-holder', 'PX', 10_000);
    await stale.unlock();
    expect(await redis.get(`${prefix}lock:d`)).toBe('other-holder');
  });

  it('gives up waiting once the request is aborted', async () => {
    const locker = new RedisLocker(connect(), { prefix, ttlMs: 5000 });
    await locker.newLock('e').lock(running(), () => undefined);
    const controller = new AbortController();
    const waiting = locker.newLock('e').lock(controller.signal, () => undefined);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ body: expect.stringMatching(/lock/) });
  });

  it('asks this process’s holder of an upload’s lock to let go at once, once, and only while it holds it', async () => {
    const locker = new RedisLocker(connect(), { prefix, ttlMs: 5000 });
    const held = locker.newLock('f');
    const asked = jest.fn();
    await held.lock(running(), asked);

    expect(locker.letGo('f')).toBe(true);
    expect(locker.letGo('f')).toBe(true);
    expect(asked).toHaveBeenCalledTimes(1);
    expect(locker.letGo('other')).toBe(false);
    await held.unlock();
    expect(locker.letGo('f')).toBe(false);
  });
});

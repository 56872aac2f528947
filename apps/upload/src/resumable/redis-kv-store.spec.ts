import { randomBytes } from 'node:crypto';
import { Upload } from '@tus/utils';
import { Redis } from 'ioredis';
import { loadTestConfig } from '@tp/testing';
import { IoRedisKvStore } from './redis-kv-store';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('IoRedisKvStore (real Redis)', () => {
  const redis = new Redis(loadTestConfig().TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  const prefix = `tus-kv-test:${randomBytes(6).toString('hex')}:`;
  afterAll(() => redis.quit());

  it('gives every replica the same cached upload, as an Upload again, until deleted', async () => {
    const [one, two] = [new IoRedisKvStore(redis, prefix, 10_000), new IoRedisKvStore(redis, prefix, 10_000)];
    await one.set('u1', { 'upload-id': 'mp-1', 'tus-version': '1.0.0', file: new Upload({ id: 'u1', size: 10, offset: 0 }) });
    const cached = await two.get('u1');
    expect(cached).toMatchObject({ 'upload-id': 'mp-1', file: { id: 'u1', size: 10, offset: 0 } });
    expect(cached?.file).toBeInstanceOf(Upload);
    expect(cached?.file.sizeIsDeferred).toBe(false);
    await two.delete('u1');
    expect(await one.get('u1')).toBeUndefined();
  });

  it('lets an entry expire with its upload', async () => {
    const store = new IoRedisKvStore(redis, prefix, 100);
    await store.set('u2', { 'upload-id': 'mp-2', 'tus-version': '1.0.0', file: new Upload({ id: 'u2', size: 1, offset: 0 }) });
    expect(await redis.pttl(`${prefix}u2`)).toBeGreaterThan(0);
    await pause(200);
    expect(await store.get('u2')).toBeUndefined();
  });
});

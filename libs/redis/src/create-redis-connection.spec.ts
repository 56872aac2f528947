import { captureLogs, eventually, loadTestConfig, startTcpProxy, type LogCapture, type TcpProxy } from '@tp/testing';
import type { Redis } from 'ioredis';
import { createRedisConnection, waitForRedis, type RedisConnectionOptions } from './create-redis-connection';

const REDIS_URL = new URL(loadTestConfig().TEST_REDIS_URL);

describe('createRedisConnection', () => {
  let proxy: TcpProxy;
  const connections: Redis[] = [];
  const connect = (logs: LogCapture, options: RedisConnectionOptions) => {
    const redis = createRedisConnection(proxy.via(REDIS_URL.href), logs.logger, options);
    connections.push(redis);
    return redis;
  };

  beforeEach(async () => {
    proxy = await startTcpProxy(REDIS_URL.hostname, Number(REDIS_URL.port || 6379));
  });
  afterEach(async () => {
    connections.splice(0).forEach((redis) => redis.disconnect());
    await proxy.close();
  });

  it('answers commands once ready', async () => {
    const logs = captureLogs();
    const redis = connect(logs, { name: 'Test', mode: 'bounded' });
    expect(await waitForRedis(redis, 5000)).toBe(true);
    expect(await redis.ping()).toBe('PONG');
  });

  it('fails a fail-fast command at once while Redis is unreachable', async () => {
    proxy.setMode('reset');
    const logs = captureLogs();
    const redis = connect(logs, { name: 'Test', mode: 'fail-fast' });
    await expect(redis.ping()).rejects.toThrow(/enableOfflineQueue/);
  });

  it('logs an outage once however often it reconnects, and its end once', async () => {
    const logs = captureLogs();
    const redis = connect(logs, { name: 'Rate limiter', mode: 'fail-fast' });
    expect(await waitForRedis(redis, 5000)).toBe(true);
    proxy.setMode('reset');
    // ioredis retries after 200 ms, 400 ms, …: wait for at least two failed attempts.
    await eventually(() => logs.lines().length > 0);
    await new Promise((resolve) => setTimeout(resolve, 800));
    proxy.setMode('up');
    expect(await waitForRedis(redis, 5000)).toBe(true);
    const messages = logs.lines().map((line) => [line['level'], line['msg']]);
    expect(messages).toEqual([
      ['warn', 'Rate limiter: Redis connection error'],
      ['info', 'Rate limiter: Redis connection restored'],
    ]);
  });

  it('waitForRedis answers false after its timeout while Redis is unreachable', async () => {
    proxy.setMode('reset');
    const redis = connect(captureLogs(), { name: 'Test', mode: 'blocking' });
    expect(await waitForRedis(redis, 300)).toBe(false);
  });
});

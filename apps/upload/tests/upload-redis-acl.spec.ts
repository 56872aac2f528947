import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createComposeAclUser, eventually, loadTestConfig, type AclUser } from '@tp/testing';

// The services' queue/cache user of docker-compose.yml (`app`), its rules applied to the test Redis.
const { TEST_REDIS_URL } = loadTestConfig();
let admin: Redis;
let user: AclUser;
const connections: Redis[] = [];
const connect = async () => {
  const redis = new Redis(user.url, { lazyConnect: true, maxRetriesPerRequest: null });
  connections.push(redis);
  await redis.connect();
  return redis;
};

beforeAll(async () => {
  admin = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  await admin.connect();
  user = await createComposeAclUser(admin, TEST_REDIS_URL, 'app');
});

afterAll(async () => {
  for (const redis of connections) redis.disconnect();
  await user?.remove();
  admin?.disconnect();
});

describe('Redis ACL user app (docker-compose.yml)', () => {
  it('runs a BullMQ queue: a job added is processed by a worker', async () => {
    const name = `acl-${Date.now()}`;
    const queue = new Queue(name, { connection: await connect() });
    const done: string[] = [];
    const worker = new Worker(name, async (job) => void done.push(job.name), { connection: await connect() });
    try {
      await queue.add('process', { id: 1 });
      expect(await eventually(() => done.length === 1, 10_000)).toBe(true);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('publishes and subscribes (entitlement and flag changes)', async () => {
    const subscriber = await connect();
    const received: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => received.push(message));
    await subscriber.subscribe('entitlements:acl-test');
    await (await connect()).publish('entitlements:acl-test', 'changed');
    expect(await eventually(() => received.length === 1)).toBe(true);
  });

  it('cannot administer Redis or wipe it', async () => {
    const redis = await connect();
    for (const command of [['FLUSHALL'], ['FLUSHDB'], ['CONFIG', 'GET', 'requirepass'], ['ACL', 'LIST'], ['SHUTDOWN']]) {
      await expect(redis.call(command[0]!, ...command.slice(1))).rejects.toThrow(/NOPERM/);
    }
  });
});

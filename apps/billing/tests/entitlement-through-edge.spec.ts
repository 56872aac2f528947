import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { call, msUntil, startTestStack, type TestStack } from '@tp/testing';
import { signPaddlePayload } from '../src/webhooks/paddle-signature';
import { PREMIUM_PRICE_ID, newIds, paddleEvent, type PaddleEventBody } from './support/paddle-fixtures';
import { MB, startStreamingUpload, uploadFiles, type Reply } from './support/upload-client';

const SECRET = 'pdl_ntfset_e2e_entitlements';
const PROPAGATION_MS = 1000;

// Edge, user, billing and upload as their own processes on real ports; Postgres, Redis, s3rver
// and the dev identity provider. The account cache TTL is a minute here, so anything seen within
// 1 s of a webhook arrived through billing's announcement, not through expiry.
describe('one tier everywhere: a Paddle subscription drives uploads through the edge', () => {
  let stack: TestStack<'user' | 'billing' | 'upload'>;
  let queueRedis: Redis;
  let queue: Queue;
  let edgeUrl: string;

  beforeAll(async () => {
    const unique = randomBytes(6).toString('hex');
    const queueSettings = { UPLOAD_QUEUE_NAME: `entitlements-e2e-${unique}`, UPLOAD_QUEUE_PREFIX: `bull-e2e-${unique}` };
    stack = await startTestStack({
      services: ['user', 'billing', 'upload'],
      env: { LOG_LEVEL: 'warn', ENTITLEMENTS_CHANNEL: `entitlements:e2e:${unique}`, ENTITLEMENTS_CACHE_TTL_MS: '60000', PADDLE_PREMIUM_PRICE_IDS: PREMIUM_PRICE_ID },
      serviceEnv: { billing: { PADDLE_WEBHOOK_SECRET: SECRET }, upload: queueSettings },
      edge: { LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '10000' },
    });
    edgeUrl = stack.edge!.url;
    queueRedis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
    queue = new Queue(queueSettings.UPLOAD_QUEUE_NAME, { connection: queueRedis, prefix: queueSettings.UPLOAD_QUEUE_PREFIX });
  }, 90_000);

  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await queueRedis?.quit();
    await stack?.stop();
  });

  const uploadUrl = () => `${edgeUrl}/api/v1/upload`;

  async function get(path: string, token: string): Promise<Record<string, unknown>> {
    const reply = await call(`${edgeUrl}${path}`, { token });
    expect(reply.status).toBe(200);
    return reply.body;
  }

  const tierOf = async (token: string) => (await get('/api/v1/user/limits', token))['tier'];
  const batch = (token: string) =>
    uploadFiles(uploadUrl(), token, [
      { field: 'files', name: 'a.txt', size: 10 },
      { field: 'files', name: 'b.txt', size: 10 },
    ]);
  const big = (token: string) => uploadFiles(uploadUrl(), token, [{ name: 'big.bin', size: 40 * MB }]);

  async function jobPriority(reply: Reply): Promise<number | undefined> {
    const [file] = reply.body['files'] as Array<{ id: string }>;
    return (await queue.getJob(file!.id))?.priority;
  }

  /** Sends a signed event through the edge and returns when its 200 arrived. */
  async function webhook(event: PaddleEventBody): Promise<number> {
    const raw = JSON.stringify(event);
    // fetch, not call(): the acknowledgement time is taken the moment the answer arrives.
    const response = await fetch(`${edgeUrl}/api/v1/webhooks/paddle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'paddle-signature': signPaddlePayload(raw, SECRET) },
      body: raw,
    });
    const acknowledgedAt = Date.now();
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 200,
      body: expect.objectContaining({ outcome: 'applied' }),
    });
    return acknowledgedAt;
  }

  let free: string;
  let ids: { subscriptionId: string; customerId: string; userId: string };
  let freePriority: number | undefined;
  let paidPriority: number | undefined;

  it('gives a paying user without the premium-user role 40 MB, batches and the PREMIUM queue within 1 s of the webhook', async () => {
    free = await stack.tokenFor('free@example.com');
    const profile = await get('/api/v1/user/profile', free);
    ids = { ...newIds(), userId: profile['id'] as string };
    // Every service has the FREE account cached now.
    expect(await tierOf(free)).toBe('FREE');
    expect(await batch(free)).toMatchObject({ status: 403, body: { upgradeUrl: '/pricing' } });
    expect((await big(free)).status).toBe(413);
    const small = await uploadFiles(uploadUrl(), free, [{ name: 'small.txt', size: 100 }]);
    expect(small.status).toBe(201);
    freePriority = await jobPriority(small);

    const acknowledgedAt = await webhook(paddleEvent('subscription.created', { ...ids, occurredAt: new Date(Date.now() - 60_000) }));
    const [limitsMs, batchMs] = await Promise.all([
      msUntil(async () => (await tierOf(free)) === 'PREMIUM', 5000, { since: acknowledgedAt }),
      msUntil(async () => (await batch(free)).status === 201, 5000, { since: acknowledgedAt }),
    ]);

    expect(limitsMs).toBeLessThanOrEqual(PROPAGATION_MS);
    expect(batchMs).toBeLessThanOrEqual(PROPAGATION_MS);
    expect(await get('/api/v1/user/limits', free)).toMatchObject({ tier: 'PREMIUM', batchUploads: true, adsEnabled: false });
    expect(await get('/api/v1/user/profile', free)).toMatchObject({ tier: 'PREMIUM', subscription: { status: 'active' } });
    const paid = await big(free);
    expect(paid).toMatchObject({ status: 201, body: { files: [expect.objectContaining({ size: 40 * MB })] } });
    paidPriority = await jobPriority(paid);
    expect(paidPriority).toBeLessThan(freePriority!);
  }, 60_000);

  it('lets an upload already streaming finish under its limit, and is FREE everywhere within 1 s of subscription.canceled', async () => {
    const streaming = await startStreamingUpload(uploadUrl(), free, 40 * MB, 20 * MB);

    const acknowledgedAt = await webhook(paddleEvent('subscription.canceled', { ...ids, occurredAt: new Date() }));
    const [limitsMs, batchMs] = await Promise.all([
      msUntil(async () => (await tierOf(free)) === 'FREE', 5000, { since: acknowledgedAt }),
      msUntil(async () => (await batch(free)).status === 403, 5000, { since: acknowledgedAt }),
    ]);

    expect(limitsMs).toBeLessThanOrEqual(PROPAGATION_MS);
    expect(batchMs).toBeLessThanOrEqual(PROPAGATION_MS);
    expect(await streaming.finish()).toMatchObject({ status: 201, body: { files: [expect.objectContaining({ size: 40 * MB })] } });
    expect(await big(free)).toMatchObject({ status: 413, body: { upgradeUrl: '/pricing', details: { tier: 'FREE' } } });
    expect(await batch(free)).toMatchObject({ status: 403, body: { upgradeUrl: '/pricing' } });
    expect(await get('/api/v1/user/profile', free)).toMatchObject({ tier: 'FREE', subscription: { status: 'canceled' } });
  }, 60_000);

  it('keeps PREMIUM for the premium-user role without any subscription', async () => {
    const premium = await stack.tokenFor('premium@example.com');

    expect(await get('/api/v1/user/profile', premium)).toMatchObject({ tier: 'PREMIUM', subscription: null });
    expect(await tierOf(premium)).toBe('PREMIUM');
    expect((await batch(premium)).status).toBe(201);
    const stored = await big(premium);
    expect(stored.status).toBe(201);
    expect(await jobPriority(stored)).toBe(paidPriority);
  }, 60_000);
});

import { call, startTestStack, type TestStack } from '@tp/testing';
import { signPaddlePayload } from '../src/webhooks/paddle-signature';
import { PREMIUM_PRICE_ID, newIds, paddleEvent, type PaddleEventBody } from './support/paddle-fixtures';

const SECRET = 'pdl_ntfset_e2e_secret';

// Everything real: edge, user and billing as their own processes, one Postgres database, Redis.
describe('tier through the edge: Paddle webhooks drive GET /api/v1/user/profile', () => {
  let stack: TestStack<'user' | 'billing'>;
  let edgeUrl: string;

  beforeAll(async () => {
    stack = await startTestStack({
      services: ['user', 'billing'],
      env: { LOG_LEVEL: 'warn', PADDLE_PREMIUM_PRICE_IDS: PREMIUM_PRICE_ID },
      serviceEnv: { billing: { PADDLE_WEBHOOK_SECRET: SECRET } },
      edge: { LOG_LEVEL: 'warn' },
    });
    edgeUrl = stack.edge!.url;
  });
  afterAll(() => stack?.stop());

  async function profile(token: string): Promise<Record<string, unknown>> {
    const reply = await call(`${edgeUrl}/api/v1/user/profile`, { token });
    expect(reply.status).toBe(200);
    return reply.body;
  }

  async function sendToEdge(event: PaddleEventBody): Promise<{ status: number; body: Record<string, unknown> }> {
    const raw = JSON.stringify(event);
    const reply = await call(`${edgeUrl}/api/v1/webhooks/paddle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'paddle-signature': signPaddlePayload(raw, SECRET) },
      body: raw,
    });
    return { status: reply.status, body: reply.body };
  }

  it('takes a free user FREE → PREMIUM (activated) → FREE (canceled)', async () => {
    const token = await stack.tokenFor('free@example.com');
    const first = await profile(token);
    expect(first).toMatchObject({ tier: 'FREE', subscription: null });
    const ids = { ...newIds(), userId: first['id'] as string };

    const activated = await sendToEdge(paddleEvent('subscription.activated', { ...ids, occurredAt: new Date(Date.now() - 60_000) }));
    expect(activated).toEqual({ status: 200, body: expect.objectContaining({ outcome: 'applied' }) });
    expect(await profile(token)).toMatchObject({ id: ids.userId, tier: 'PREMIUM', subscription: { status: 'active' } });

    const canceled = await sendToEdge(paddleEvent('subscription.canceled', { ...ids, occurredAt: new Date() }));
    expect(canceled).toEqual({ status: 200, body: expect.objectContaining({ outcome: 'applied' }) });
    expect(await profile(token)).toMatchObject({ tier: 'FREE', subscription: { status: 'canceled' } });
  });

  it('rejects an unsigned webhook at the billing service with 401 (the edge asks for no token)', async () => {
    const reply = await call(`${edgeUrl}/api/v1/webhooks/paddle`, { method: 'POST', body: '{}' });

    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ error: 'unauthorized', message: 'Invalid webhook signature' });
  });
});

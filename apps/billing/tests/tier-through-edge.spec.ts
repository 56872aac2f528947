import { randomBytes } from 'node:crypto';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import {
  createTestDatabase,
  keycloakEnvFor,
  loadTestConfig,
  startServiceProcess,
  startTestIdentityProvider,
  type ServiceProcess,
  type TestDatabase,
  DEV_PASSWORD,
} from '@tp/testing';
import { signPaddlePayload } from '../src/webhooks/paddle-signature';
import { newIds, paddleEvent, type PaddleEventBody } from './support/paddle-fixtures';

const SECRET = 'pdl_ntfset_e2e_secret';

// Everything real: edge, user and billing as their own processes, one Postgres database, Redis.
describe('tier through the edge: Paddle webhooks drive GET /api/v1/user/profile', () => {
  let db: TestDatabase;
  let idp: DevIdentityProvider;
  const processes: ServiceProcess[] = [];
  let edgeUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    idp = await startTestIdentityProvider();
    const { TEST_REDIS_URL } = loadTestConfig();
    const common = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'warn' };
    const user = await startServiceProcess('user', { ...common, ...keycloakEnvFor(idp) }, 'USER_PORT');
    processes.push(user);
    const billing = await startServiceProcess('billing', { ...common, PADDLE_WEBHOOK_SECRET: SECRET }, 'BILLING_PORT');
    processes.push(billing);
    const edge = await startServiceProcess(
      'edge',
      {
        ...keycloakEnvFor(idp),
        REDIS_URL: TEST_REDIS_URL,
        LOG_LEVEL: 'warn',
        USER_SERVICE_URL: user.url,
        BILLING_SERVICE_URL: billing.url,
        RATE_LIMIT_PREFIX: `rl:billing-e2e:${randomBytes(6).toString('hex')}:`,
      },
      'EDGE_PORT',
    );
    processes.push(edge);
    edgeUrl = edge.url;
  });

  afterAll(async () => {
    await Promise.all(processes.map((child) => child.stop()));
    await idp?.stop();
    await db?.drop();
  });

  async function profile(token: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${edgeUrl}/api/v1/user/profile`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  async function sendToEdge(event: PaddleEventBody): Promise<{ status: number; body: Record<string, unknown> }> {
    const raw = JSON.stringify(event);
    const response = await fetch(`${edgeUrl}/api/v1/webhooks/paddle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'paddle-signature': signPaddlePayload(raw, SECRET) },
      body: raw,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('takes a free user FREE → PREMIUM (activated) → FREE (canceled)', async () => {
    const token = await idp.passwordGrant('free@example.com', DEV_PASSWORD);
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
    const response = await fetch(`${edgeUrl}/api/v1/webhooks/paddle`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'unauthorized', message: 'Invalid webhook signature' });
  });
});

import { freePort, call, DEV_PASSWORD } from '@tp/testing';
import {
  burst,
  closeAll,
  startBackends,
  startEdge,
  uniquePrefix,
  type Backends,
  type RunningEdge,
} from './support/edge-stack';

let stack: Backends;
let freeToken: string;
let premiumToken: string;

beforeAll(async () => {
  stack = await startBackends();
  [freeToken, premiumToken] = await Promise.all([
    stack.idp.passwordGrant('free@example.com', DEV_PASSWORD),
    stack.idp.passwordGrant('premium@example.com', DEV_PASSWORD),
  ]);
});

afterAll(async () => {
  await stack?.stop();
});

describe('edge: rate limiting', () => {
  // Every test gets its own edges and prefix, so no count carries over.
  let edges: RunningEdge[] = [];
  afterEach(async () => {
    await closeAll(...edges);
    edges = [];
  });
  const edgeWith = async (prefix: string) => {
    const edge = await startEdge(stack.edgeEnv({ RATE_LIMIT_PREFIX: prefix }));
    edges.push(edge);
    return edge;
  };

  it('lets 100 requests per user through and answers the 101st with 429 and Retry-After', async () => {
    const edge = await edgeWith(uniquePrefix());
    const profile = () => call(`${edge.url}/api/v1/user/profile`, { token: freeToken });

    const statuses = await burst(100, profile);
    expect(statuses.filter((status) => status === 200)).toHaveLength(100);

    const limited = await profile();
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 'too_many_requests', message: expect.any(String), requestId: expect.any(String) });
    expect(limited.body['requestId']).toBe(limited.headers.get('x-request-id'));
    expect(limited.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(limited.headers.get('ratelimit')).toMatch(/r=0/);
    expect(limited.headers.get('ratelimit-policy')).toMatch(/q=100/);

    // The count is per user: another user is unaffected.
    expect((await call(`${edge.url}/api/v1/user/profile`, { token: premiumToken })).status).toBe(200);
  });

  it('shares the count between edge instances through Redis', async () => {
    const prefix = uniquePrefix();
    const [a, b] = await Promise.all([edgeWith(prefix), edgeWith(prefix)]);
    const via = (edge: RunningEdge) => () => call(`${edge.url}/api/v1/user/profile`, { token: premiumToken });

    expect(await burst(60, via(a))).toEqual(Array(60).fill(200));
    expect(await burst(40, via(b))).toEqual(Array(40).fill(200));
    expect((await via(a)()).status).toBe(429);
    expect((await via(b)()).status).toBe(429);
  });
});

describe('edge: rate limiter fails open without Redis', () => {
  let edge: RunningEdge;
  beforeAll(async () => {
    edge = await startEdge(stack.edgeEnv({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` }));
  });
  afterAll(() => closeAll(edge));

  it('still serves requests', async () => {
    const statuses = await burst(5, () => call(`${edge.url}/api/v1/user/profile`, { token: freeToken }), 5);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  });

  it('reports degraded with redis down on /health/detailed (HTTP 200)', async () => {
    const reply = await call(`${edge.url}/health/detailed`);
    expect(reply.status).toBe(200);
    expect(reply.body['status']).toBe('degraded');
    expect(reply.body['checks']).toMatchObject({
      redis: { status: 'down' },
      jwks: { status: 'ok' },
      'service:user': { status: 'ok' },
    });
  });
});

import { sampleValue } from '@tp/metrics';
import { call, DEV_PASSWORD } from '@tp/testing';
import { closeAll, startBackends, uniquePrefix, type Backends } from './support/edge-stack';
import { startMeteredEdge, type MeteredEdge } from './support/metered-edge';

let stack: Backends;
let freeToken: string;

beforeAll(async () => {
  stack = await startBackends();
  freeToken = await stack.idp.passwordGrant('free@example.com', DEV_PASSWORD);
});

afterAll(async () => {
  await stack?.stop();
});

describe('edge: GET /metrics on the metrics port', () => {
  let edge: MeteredEdge;
  beforeAll(async () => {
    edge = await startMeteredEdge(stack.edgeEnv());
    const profile = (token?: string) => call(`${edge.url}/api/v1/user/profile`, token ? { token } : {});
    for (let i = 0; i < 3; i += 1) expect((await profile(freeToken)).status).toBe(200);
    for (let i = 0; i < 2; i += 1) expect((await profile()).status).toBe(401);
    expect((await call(`${edge.url}/api/v1/nothing-here/123`)).status).toBe(404);
  });
  afterAll(() => closeAll(edge));

  it('counts exactly the scripted requests by method, route template and status', async () => {
    const samples = await edge.scrape();
    const requests = (labels: Record<string, string>) => sampleValue(samples, 'http_requests_total', { service: 'edge', ...labels });
    expect(requests({ method: 'GET', route: '/api/v1/user/*', status: '200' })).toBe(3);
    expect(requests({ method: 'GET', route: '/api/v1/user/*', status: '401' })).toBe(2);
    expect(requests({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(requests({})).toBe(6);
    expect(sampleValue(samples, 'http_errors_total')).toBe(3);
  });

  it('times every request in the latency histogram', async () => {
    const samples = await edge.scrape();
    const count = (labels: Record<string, string>) => sampleValue(samples, 'http_request_duration_seconds_count', labels);
    expect(count({ route: '/api/v1/user/*', status: '200' })).toBe(3);
    expect(count({ route: '/api/v1/user/*', status: '401' })).toBe(2);
    expect(count({ route: 'unmatched', status: '404' })).toBe(1);
    expect(count({})).toBe(6);
    expect(sampleValue(samples, 'http_request_duration_seconds_bucket', { route: '/api/v1/user/*', status: '200', le: '+Inf' })).toBe(3);
  });

  it('never puts a raw path or id in a label', async () => {
    const labelValues = (await edge.scrape()).flatMap((sample) => Object.values(sample.labels));
    expect(labelValues.filter((value) => /nothing-here|123|profile|[0-9a-f]{8}-[0-9a-f]{4}-/.test(value))).toEqual([]);
  });

  it('counts the JWKS download the first token needed', async () => {
    const samples = await edge.scrape();
    expect(sampleValue(samples, 'jwks_fetches_total', { outcome: 'success' })).toBe(1);
    expect(sampleValue(samples, 'jwks_fetches_total', { outcome: 'failure' })).toBe(0);
  });

  it('is not reachable through the public port', async () => {
    expect((await call(`${edge.url}/metrics`)).status).toBe(404);
  });
});

describe('edge: rate-limit rejection metric', () => {
  let edge: MeteredEdge;
  beforeAll(async () => {
    edge = await startMeteredEdge(stack.edgeEnv({ RATE_LIMIT_MAX: '2', RATE_LIMIT_PREFIX: uniquePrefix() }));
  });
  afterAll(() => closeAll(edge));

  it('increments rate_limit_rejections_total{key_type="user"} once per 429', async () => {
    const profile = () => call(`${edge.url}/api/v1/user/profile`, { token: freeToken });
    expect([(await profile()).status, (await profile()).status]).toEqual([200, 200]);
    expect(sampleValue(await edge.scrape(), 'rate_limit_rejections_total', { key_type: 'user' })).toBe(0);

    expect((await profile()).status).toBe(429);
    const samples = await edge.scrape();
    expect(sampleValue(samples, 'rate_limit_rejections_total', { key_type: 'user' })).toBe(1);
    expect(sampleValue(samples, 'rate_limit_rejections_total', { key_type: 'ip' })).toBe(0);
    expect(sampleValue(samples, 'http_requests_total', { route: '/api/v1/user/*', status: '429' })).toBe(1);
  });
});

describe('edge: GET /health/detailed', () => {
  let edge: MeteredEdge;
  beforeAll(async () => {
    edge = await startMeteredEdge(stack.edgeEnv());
  });
  afterAll(() => closeAll(edge));

  it("nests each service's own dependency checks under its service check", async () => {
    const reply = await call(`${edge.url}/health/detailed`);
    expect(reply.status).toBe(200);
    const nested = { status: 'ok', latencyMs: expect.any(Number) };
    expect(reply.body['checks']).toMatchObject({
      redis: { status: 'ok' },
      jwks: { status: 'ok' },
      'service:user': { status: 'ok', checks: { postgres: nested } },
      'service:flags': { status: 'ok', checks: { postgres: nested, redis: nested } },
      'service:billing': { status: 'ok', checks: { postgres: nested } },
      'service:upload': { status: 'ok', checks: { postgres: nested, s3: nested, queue: nested } },
    });
  });
});

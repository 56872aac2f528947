import { call } from '@tp/testing';
import { closeAll, startBackends, startEdge, type Backends, type RunningEdge } from './support/edge-stack';

let stack: Backends;
let edge: RunningEdge;

beforeAll(async () => {
  stack = await startBackends();
  // No reuse of a finished round: the last test must see the user service go down at once.
  edge = await startEdge(stack.edgeEnv({ HEALTH_CACHE_MS: '0' }));
});

afterAll(async () => {
  await closeAll(edge);
  await stack?.stop();
});

// Order matters: the last test stops the user service.
describe('edge: health', () => {
  it('answers /health with 200 {status: ok}', async () => {
    const reply = await call(`${edge.url}/health`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ok' });
  });

  it('reports redis, jwks and every service ok with latencies on /health/detailed', async () => {
    const reply = await call(`${edge.url}/health/detailed`);
    expect(reply.status).toBe(200);
    expect(reply.body['status']).toBe('ok');
    const checks = reply.body['checks'] as Record<string, { status: string; latencyMs: unknown }>;
    expect(Object.keys(checks).sort()).toEqual(['jwks', 'redis', 'service:billing', 'service:flags', 'service:upload', 'service:user']);
    for (const check of Object.values(checks)) {
      expect(check.status).toBe('ok');
      expect(typeof check.latencyMs).toBe('number');
    }
  });

  it('returns 503 with service:user down once the user service stops', async () => {
    await stack.user.stop();
    const reply = await call(`${edge.url}/health/detailed`);
    expect(reply.status).toBe(503);
    expect(reply.body['status']).toBe('down');
    expect(reply.body['checks']).toMatchObject({
      'service:user': { status: 'down' },
      redis: { status: 'ok' },
      jwks: { status: 'ok' },
    });
  });
});

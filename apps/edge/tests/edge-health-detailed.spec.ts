import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { call, freePort, startTestIdentityProvider, TEST_REALM } from '@tp/testing';
import { startCountingProxy, type CountingProxy } from './support/counting-proxy';
import { startEchoUpstream, type EchoUpstream } from './support/echo-upstream';
import { burst } from './support/edge-stack';
import { startLoggedEdge, type LoggedEdge } from './support/logged-edge';
import { singleUpstreamEnv } from './support/single-upstream-env';

let idp: DevIdentityProvider;
let idpCounter: CountingProxy;
let upstream: EchoUpstream;
let edge: LoggedEdge;
let limited: LoggedEdge;
let closedUserService: string;

const JWKS_PATH = `/realms/${TEST_REALM}/protocol/openid-connect/certs`;
const healthRounds = () => upstream.received.filter((request) => request.url === '/health/detailed').length;

beforeAll(async () => {
  [idp, upstream] = await Promise.all([startTestIdentityProvider(), startEchoUpstream()]);
  // The edge reaches the identity provider through a counter, to see every JWKS download.
  idpCounter = await startCountingProxy(idp.baseUrl);
  closedUserService = `http://127.0.0.1:${await freePort()}`;
  const env = (overrides: Record<string, string>) =>
    singleUpstreamEnv(idp, upstream.url, { KEYCLOAK_URL: idpCounter.url, USER_SERVICE_URL: closedUserService, ...overrides });
  [edge, limited] = await Promise.all([
    startLoggedEdge(env({ HEALTH_CACHE_MS: '60000', HEALTH_RATE_LIMIT_MAX: '1000' })),
    startLoggedEdge(env({ HEALTH_CACHE_MS: '60000', HEALTH_RATE_LIMIT_MAX: '3' })),
  ]);
});

afterAll(async () => {
  await Promise.all([edge?.close(), limited?.close()]);
  await Promise.all([upstream?.close(), idpCounter?.close(), idp?.stop()]);
});

describe('edge: GET /health/detailed under load', () => {
  it('answers 50 concurrent callers from one downstream round: one JWKS download and one call per service', async () => {
    const replies = await Promise.all(Array.from({ length: 50 }, () => call(`${edge.url}/health/detailed`)));
    expect(replies.map((reply) => reply.status)).toEqual(Array(50).fill(503));
    expect(idpCounter.count(JWKS_PATH)).toBe(1);
    // flags, billing and upload answer on the echo upstream; the user service's port is closed.
    expect(healthRounds()).toBe(3);
    // Later callers within HEALTH_CACHE_MS get the same round.
    expect((await call(`${edge.url}/health/detailed`)).status).toBe(503);
    expect(idpCounter.count(JWKS_PATH)).toBe(1);
  });

  it('shows only status and latency per check, the error detail going to the log line of the check', async () => {
    const reply = await call(`${edge.url}/health/detailed`);
    expect(reply.body['status']).toBe('down');
    expect(reply.body['checks']).toMatchObject({
      'service:user': { status: 'down', latencyMs: expect.any(Number) },
      'service:flags': { status: 'ok', latencyMs: expect.any(Number) },
      jwks: { status: 'ok', latencyMs: expect.any(Number) },
      redis: { status: 'ok', latencyMs: expect.any(Number) },
    });
    for (const check of Object.values(reply.body['checks'] as Record<string, object>)) {
      expect(Object.keys(check).sort()).toEqual(['latencyMs', 'status']);
    }
    expect(reply.text).not.toMatch(/error|fetch failed|ECONNREFUSED|127\.0\.0\.1/i);
    const logged = edge.logs.lines().filter((line) => line['msg'] === 'Health check not ok' && line['check'] === 'service:user');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'warn', status: 'down', error: expect.any(String) });
  });

  it('answers 429 with Retry-After past HEALTH_RATE_LIMIT_MAX calls per IP', async () => {
    const statuses = await burst(5, () => call(`${limited.url}/health/detailed`), 1);
    expect(statuses).toEqual([503, 503, 503, 429, 429]);
    const rejected = await call(`${limited.url}/health/detailed`);
    expect(rejected.status).toBe(429);
    expect(Number(rejected.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(rejected.body).toMatchObject({ error: 'too_many_requests', requestId: expect.any(String) });
  });
});

import { randomUUID } from 'node:crypto';
import { sampleValue } from '@tp/metrics';
import { call } from '@tp/testing';
import { startMeteredEdge, type MeteredEdge } from './support/metered-edge';
import { burst, closeAll, startBackends, type Backends } from './support/edge-stack';

const INTERVAL_MS = 1000;

let stack: Backends;
let validToken: string;

beforeAll(async () => {
  stack = await startBackends();
  validToken = await stack.idp.issueToken('free@example.com');
});

afterAll(async () => {
  await stack?.stop();
});

/** A token naming a kid nobody published (the signature is never checked: the kid is unknown). */
function inventedKidToken(): string {
  const [, payload, signature] = validToken.split('.') as [string, string, string];
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: randomUUID() })).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

/** Sends invented-kid tokens from `loops` concurrent clients until stopped; returns the statuses seen. */
function startFlood(url: string, loops = 4) {
  const statuses: number[] = [];
  let running = true;
  const done = Promise.all(
    Array.from({ length: loops }, async () => {
      while (running) statuses.push((await call(`${url}/api/v1/flags`, { token: inventedKidToken() })).status);
    }),
  );
  return {
    statuses,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

describe('edge: JWKS cache under a flood of invented kids', () => {
  let edge: MeteredEdge;
  beforeAll(async () => {
    edge = await startMeteredEdge(stack.edgeEnv({ JWKS_REFRESH_INTERVAL_MS: String(INTERVAL_MS) }));
  });
  afterAll(() => closeAll(edge));

  it('accepts a key Keycloak publishes during the flood within one refresh interval', async () => {
    expect((await call(`${edge.url}/api/v1/user/profile`, { token: validToken })).status).toBe(200);
    const flood = startFlood(edge.url);
    try {
      // More invented kids than jwks-rsa's limiter allowed downloads per minute.
      expect(await waitFor(() => flood.statuses.length >= 60, 20_000)).toBe(true);
      const floodStarted = Date.now();
      const { kid } = await stack.idp.rotateKey();
      const rotated = await stack.idp.issueToken('premium@example.com');
      let status = 0;
      const accepted = await waitFor(async () => {
        status = (await call(`${edge.url}/api/v1/user/profile`, { token: rotated })).status;
        return status === 200;
      }, 10 * INTERVAL_MS);
      expect({ accepted, status }).toEqual({ accepted: true, status: 200 });
      expect(stack.idp.signingKid).toBe(kid);

      const samples = await edge.scrape();
      const elapsed = Date.now() - floodStarted;
      const downloads = sampleValue(samples, 'jwks_fetches_total', { outcome: 'success' }) ?? 0;
      // Never more than one download per interval since the flood began (plus the ones before it).
      expect(downloads).toBeLessThanOrEqual(3 + Math.ceil(elapsed / INTERVAL_MS));
      expect(sampleValue(samples, 'jwks_unknown_kid_lookups_total', { answer: 'memory' })).toBeGreaterThan(0);
    } finally {
      await flood.stop();
    }
    // Refused at the edge: 401, or 429 once the IP bucket is spent; never a 5xx.
    expect(flood.statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
  });
});

describe('edge: JWKS endpoint down', () => {
  let edge: MeteredEdge;
  beforeAll(async () => {
    edge = await startMeteredEdge(stack.edgeEnv({ JWKS_REFRESH_INTERVAL_MS: String(INTERVAL_MS) }));
    expect((await call(`${edge.url}/api/v1/user/profile`, { token: validToken })).status).toBe(200);
    stack.idp.setJwksAvailable(false);
  });
  afterAll(async () => {
    stack.idp.setJwksAvailable(true);
    await closeAll(edge);
  });

  it('still serves a new token signed with a known key (200)', async () => {
    const token = await stack.idp.issueToken('premium@example.com', { claims: { jti: randomUUID() } });
    expect((await call(`${edge.url}/api/v1/user/profile`, { token })).status).toBe(200);
  });

  it('reports jwks degraded (HTTP 200), not down, while its cached keys still verify', async () => {
    const detailed = await call(`${edge.url}/health/detailed`);
    expect(detailed.status).toBe(200);
    expect(detailed.body).toMatchObject({ status: 'degraded', checks: { jwks: { status: 'degraded' } } });
  });

  it('answers 503 for unknown kids, with at most one JWKS attempt per interval', async () => {
    // Within an interval of the last good download an unknown kid is a plain 401; the next
    // allowed attempt finds the endpoint down, and from then on the answer is 503.
    const unknownKid = () => call(`${edge.url}/api/v1/flags`, { token: inventedKidToken() });
    expect(await waitFor(async () => (await unknownKid()).status === 503, 5 * INTERVAL_MS)).toBe(true);
    const started = Date.now();
    const before = stack.idp.jwksRequests();
    const replies = await Promise.all(Array.from({ length: 30 }, unknownKid));
    expect(replies.map((reply) => reply.status)).toEqual(Array(30).fill(503));
    expect(replies[0]!.body).toMatchObject({ error: 'service_unavailable', message: 'Identity provider unavailable' });
    expect(stack.idp.jwksRequests() - before).toBeLessThanOrEqual(1 + Math.ceil((Date.now() - started) / INTERVAL_MS));
    const samples = await edge.scrape();
    expect(sampleValue(samples, 'jwks_fetches_total', { outcome: 'failure' })).toBeGreaterThanOrEqual(1);
  });
});

describe('edge: rejected tokens count against the client IP', () => {
  let edge: MeteredEdge;
  beforeAll(async () => {
    edge = await startMeteredEdge(stack.edgeEnv({ RATE_LIMIT_MAX: '20' }));
  });
  afterAll(() => closeAll(edge));

  it('answers 429 once a client has spent its IP bucket on 401s, and still serves valid tokens per user', async () => {
    const garbage = () => call(`${edge.url}/api/v1/user/profile`, { token: inventedKidToken() });
    const statuses = await burst(30, garbage, 5);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(10).fill(429));
    const limited = await garbage();
    expect(limited.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect((await call(`${edge.url}/api/v1/user/profile`, { token: validToken })).status).toBe(200);
    expect(sampleValue(await edge.scrape(), 'rate_limit_rejections_total', { key_type: 'ip' })).toBeGreaterThanOrEqual(11);
  });

  it('counts 401s on /docs against the IP bucket too', async () => {
    const docsEdge = await startMeteredEdge(stack.edgeEnv({ RATE_LIMIT_MAX: '10' }));
    try {
      const statuses = await burst(15, () => call(`${docsEdge.url}/docs/openapi.json`, { token: inventedKidToken() }), 5);
      expect(statuses).toEqual([...Array(10).fill(401), ...Array(5).fill(429)]);
    } finally {
      await closeAll(docsEdge);
    }
  });
});

// Last in this file: it removes the key every earlier test's tokens were signed with.
describe('edge: a key removed from the JWKS', () => {
  const MAX_AGE_MS = 2000;
  let edge: MeteredEdge;
  beforeAll(async () => {
    edge = await startMeteredEdge(
      stack.edgeEnv({ JWKS_REFRESH_INTERVAL_MS: String(INTERVAL_MS), JWKS_MAX_AGE_MS: String(MAX_AGE_MS) }),
    );
  });
  afterAll(() => closeAll(edge));

  it('stops verifying (401) once the key set is older than JWKS_MAX_AGE_MS, cached tokens included', async () => {
    const token = await stack.idp.issueToken('free@example.com', { claims: { jti: randomUUID() } });
    expect((await call(`${edge.url}/api/v1/user/profile`, { token })).status).toBe(200);
    await stack.idp.rotateKey({ removeOld: true });

    let status = 200;
    const refused = await waitFor(async () => {
      status = (await call(`${edge.url}/api/v1/user/profile`, { token })).status;
      return status === 401;
    }, 5 * MAX_AGE_MS);
    expect({ refused, status }).toEqual({ refused: true, status: 401 });
  });
});

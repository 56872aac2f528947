import { randomBytes } from 'node:crypto';
import { ConfigError } from '@tp/config';
import { freePort, call, DEV_PASSWORD, eventually, type Reply, UUID } from '@tp/testing';
import { loadEdgeConfig } from '../src/config';
import {
  closeAll,
  startBackends,
  startEdge,
  startSilentUpstream,
  type Backends,
  type RunningEdge,
} from './support/edge-stack';

let stack: Backends;
let edge: RunningEdge;
let freeToken: string;
let premiumToken: string;

const profile = () => `${edge.url}/api/v1/user/profile`;

function expectErrorShape(reply: Reply, status: number, error: string): void {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/application\/json/);
  expect(reply.body).toEqual({ error, message: expect.any(String), requestId: expect.any(String) });
  expect(reply.body['requestId']).toBe(reply.headers.get('x-request-id'));
}

beforeAll(async () => {
  stack = await startBackends();
  edge = await startEdge(stack.edgeEnv());
  [freeToken, premiumToken] = await Promise.all([
    stack.idp.passwordGrant('free@example.com', DEV_PASSWORD),
    stack.idp.passwordGrant('premium@example.com', DEV_PASSWORD),
  ]);
});

afterAll(async () => {
  await closeAll(edge);
  await stack?.stop();
});

describe('edge: authentication', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('returns 401 "Missing bearer token" without a token', async () => {
    const reply = await call(profile());
    expectErrorShape(reply, 401, 'unauthorized');
    expect(reply.body['message']).toBe('Missing bearer token');
  });

  it('returns 401 "Token expired" for an expired token', async () => {
    const token = await stack.idp.issueToken('free@example.com', { claims: { exp: now() - 600 } });
    const reply = await call(profile(), { token });
    expectErrorShape(reply, 401, 'unauthorized');
    expect(reply.body['message']).toBe('Token expired');
  });

  it('returns 401 "Invalid token signature" for a tampered signature', async () => {
    const [header, payload, signature] = (await stack.idp.issueToken('free@example.com')).split('.') as [string, string, string];
    const middle = Math.floor(signature.length / 2);
    const flipped = signature[middle] === 'A' ? 'B' : 'A';
    const token = [header, payload, signature.slice(0, middle) + flipped + signature.slice(middle + 1)].join('.');
    const reply = await call(profile(), { token });
    expectErrorShape(reply, 401, 'unauthorized');
    expect(reply.body['message']).toBe('Invalid token signature');
  });

  it('returns 401 "Invalid token issuer or audience" for a token for another audience', async () => {
    const token = await stack.idp.issueToken('free@example.com', { claims: { aud: 'some-other-client' } });
    const reply = await call(profile(), { token });
    expectErrorShape(reply, 401, 'unauthorized');
    expect(reply.body['message']).toBe('Invalid token issuer or audience');
  });
});

describe('edge: user routes', () => {
  it('serves the profile of a free user with tier FREE', async () => {
    const reply = await call(profile(), { token: freeToken });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ email: 'free@example.com', username: 'free', tier: 'FREE' });
  });

  it('serves the profile of a premium user with tier PREMIUM', async () => {
    const reply = await call(profile(), { token: premiumToken });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ email: 'premium@example.com', tier: 'PREMIUM' });
  });

  it('serves the tier limits', async () => {
    const free = await call(`${edge.url}/api/v1/user/limits`, { token: freeToken });
    const premium = await call(`${edge.url}/api/v1/user/limits`, { token: premiumToken });
    expect(free.status).toBe(200);
    expect(free.body).toMatchObject({ tier: 'FREE', maxFileSizeBytes: expect.any(Number), batchUploads: expect.any(Boolean) });
    expect(premium.status).toBe(200);
    expect(premium.body['tier']).toBe('PREMIUM');
    expect(premium.body['maxFileSizeBytes'] as number).toBeGreaterThan(free.body['maxFileSizeBytes'] as number);
  });

  it('returns 404 JSON with a requestId for an unknown route', async () => {
    const reply = await call(`${edge.url}/api/v1/nothing-here`, { token: freeToken });
    expectErrorShape(reply, 404, 'not_found');
  });
});

describe('edge: request id', () => {
  it('echoes a sane client x-request-id and forwards it to the user service log', async () => {
    const requestId = `e2e-${randomBytes(8).toString('hex')}`;
    const reply = await call(profile(), { token: freeToken, headers: { 'x-request-id': requestId } });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-request-id')).toBe(requestId);
    expect(await eventually(() => stack.user.output().includes(`"requestId":"${requestId}"`))).toBe(true);
  });

  it('generates a uuid when the client sends none', async () => {
    const reply = await call(profile(), { token: freeToken });
    expect(reply.headers.get('x-request-id')).toMatch(UUID);
  });

  it('replaces an unsafe client x-request-id with a uuid', async () => {
    const reply = await call(profile(), { token: freeToken, headers: { 'x-request-id': 'bad id"}' } });
    expect(reply.headers.get('x-request-id')).toMatch(UUID);
  });
});

describe('edge: security headers', () => {
  it.each([
    ['a proxied response', '/api/v1/user/profile'],
    ['/health', '/health'],
  ])('sets CSP, HSTS, X-Frame-Options and nosniff on %s', async (_label, path) => {
    const reply = await call(`${edge.url}${path}`, { token: freeToken });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(reply.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    expect(reply.headers.get('x-frame-options')).toBe('DENY');
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('edge: CORS', () => {
  let corsEdge: RunningEdge;

  beforeAll(async () => {
    corsEdge = await startEdge(stack.edgeEnv({ NODE_ENV: 'production', CORS_ORIGINS: 'https://app.example.com' }));
  });
  afterAll(() => closeAll(corsEdge));

  const preflight = (origin: string) =>
    call(`${corsEdge.url}/api/v1/user/profile`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });

  it('answers a preflight from an allowed origin with that origin', async () => {
    const reply = await preflight('https://app.example.com');
    expect(reply.status).toBe(204);
    expect(reply.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(reply.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('gives a preflight from another origin no access-control-allow-origin', async () => {
    const reply = await preflight('https://evil.example.com');
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses CORS_ORIGINS=* in production with a ConfigError', () => {
    expect(() => loadEdgeConfig(stack.edgeEnv({ NODE_ENV: 'production', CORS_ORIGINS: '*' }))).toThrow(ConfigError);
  });
});

describe('edge: forged identity headers', () => {
  const forged = { 'x-user-id': 'attacker', 'x-user-email': 'premium@example.com', 'x-user-tier': 'PREMIUM' };

  it('get 401 straight from the user service without a token', async () => {
    const reply = await call(`${stack.user.url}/api/v1/user/profile`, { headers: forged });
    expect(reply.status).toBe(401);
    expect(reply.body['error']).toBe('unauthorized');
  });

  it('do not upgrade a free user through the edge', async () => {
    const reply = await call(profile(), { token: freeToken, headers: forged });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ email: 'free@example.com', tier: 'FREE' });
  });
});

describe('edge: lazy user sync', () => {
  it('writes the user row once for repeated requests', async () => {
    const token = await stack.idp.passwordGrant('admin@example.com', DEV_PASSWORD);
    const row = async () =>
      (
        await stack.db.database.pool.query<{ id: string; xmin: string }>(
          `SELECT id, xmin::text AS xmin FROM users WHERE email = 'admin@example.com'`,
        )
      ).rows;

    expect(await row()).toHaveLength(0);
    expect((await call(profile(), { token })).status).toBe(200);
    const first = await row();
    expect(first).toHaveLength(1);
    for (let i = 0; i < 4; i++) expect((await call(profile(), { token })).status).toBe(200);
    expect(await row()).toEqual(first);
  });
});

describe('edge: upstream failures', () => {
  it('returns 502 bad_gateway when the user service is down', async () => {
    const down = await startEdge(stack.edgeEnv({ USER_SERVICE_URL: `http://127.0.0.1:${await freePort()}` }));
    try {
      const reply = await call(`${down.url}/api/v1/user/profile`, { token: freeToken });
      expectErrorShape(reply, 502, 'bad_gateway');
    } finally {
      await down.close();
    }
  });

  it('returns 504 gateway_timeout when the user service does not answer in time', async () => {
    const upstream = await startSilentUpstream();
    const slow = await startEdge(stack.edgeEnv({ USER_SERVICE_URL: upstream.url, UPSTREAM_TIMEOUT_MS: '300' }));
    try {
      const started = Date.now();
      const reply = await call(`${slow.url}/api/v1/user/profile`, { token: freeToken });
      expectErrorShape(reply, 504, 'gateway_timeout');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await slow.close();
      await upstream.close();
    }
  });
});

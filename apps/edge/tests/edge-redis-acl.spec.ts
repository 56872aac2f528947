import { Redis } from 'ioredis';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { call, createComposeAclUser, freePort, startTestIdentityProvider, type AclUser } from '@tp/testing';
import { REDIS_URL, startEdge, uniquePrefix, type RunningEdge } from './support/edge-stack';
import { singleUpstreamEnv } from './support/single-upstream-env';

// The edge under docker-compose.yml's own Redis ACL user `edge`: its rules, applied to the test Redis.
let admin: Redis;
let idp: DevIdentityProvider;
let user: AclUser;
let edge: RunningEdge;
let asEdge: Redis;

beforeAll(async () => {
  admin = new Redis(REDIS_URL, { lazyConnect: true });
  await admin.connect();
  idp = await startTestIdentityProvider();
  user = await createComposeAclUser(admin, REDIS_URL, 'edge');
  edge = await startEdge(singleUpstreamEnv(idp, `http://127.0.0.1:${await freePort()}`, { REDIS_URL: user.url, RATE_LIMIT_MAX: '3', RATE_LIMIT_PREFIX: uniquePrefix() }));
  asEdge = new Redis(user.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await asEdge.connect();
});

afterAll(async () => {
  asEdge?.disconnect();
  await edge?.close();
  await user?.remove();
  await idp?.stop();
  admin?.disconnect();
});

describe('edge: Redis ACL user edge (docker-compose.yml)', () => {
  it('rate-limits with it: the fourth call in the window is 429, and readiness sees Redis', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await call(`${edge.url}/api/v1/flags`)).status);
    expect(statuses.slice(0, 3)).not.toContain(429);
    expect(statuses[3]).toBe(429);
    const ready = await call(`${edge.url}/health/detailed`);
    expect(JSON.stringify(ready.body)).toContain('"redis":{"status":"ok"');
  });

  it('cannot reach a key outside rl:*, a channel, or an admin command', async () => {
    await expect(asEdge.get('bull:uploads:1')).rejects.toThrow(/NOPERM/);
    await expect(asEdge.set('entitlements:x', '1')).rejects.toThrow(/NOPERM/);
    await expect(asEdge.publish('entitlements:changed', 'x')).rejects.toThrow(/NOPERM/);
    await expect(asEdge.call('KEYS', '*')).rejects.toThrow(/NOPERM/);
    await expect(asEdge.call('FLUSHALL')).rejects.toThrow(/NOPERM/);
    await expect(asEdge.call('EVAL', "return redis.call('GET', KEYS[1])", '1', 'rl:x')).rejects.toThrow(/NOPERM/);
  });
});

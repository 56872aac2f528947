import { randomUUID } from 'node:crypto';
import { call } from '@tp/testing';
import { startDocsEdge, type DocsEdge } from './support/docs-edge';
import { closeAll, startBackends, startEdge, type Backends, type RunningEdge } from './support/edge-stack';

let stack: Backends;
let edge: DocsEdge;

beforeAll(async () => {
  stack = await startBackends();
  // The docs edge is the full edge app with /docs on (SWAGGER_ADMIN_ONLY=true).
  edge = await startDocsEdge(stack.edgeEnv());
});

afterAll(async () => {
  await edge?.close();
  await stack?.stop();
});

const profile = (token: string, url = edge.url) => call(`${url}/api/v1/user/profile`, { token });

function createFlag(token: string) {
  return fetch(`${edge.url}/api/v1/flags`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ key: `f-${randomUUID().slice(0, 8)}`, description: 'token rules', enabled: true }),
  });
}

describe('edge: only access tokens', () => {
  it('serves a Keycloak access token (typ Bearer)', async () => {
    expect((await profile(await stack.idp.issueToken('free@example.com'))).status).toBe(200);
  });

  it.each(['ID', 'Refresh', 'Logout'])('answers 401 Malformed token for a typ %s token', async (typ) => {
    const token = await stack.idp.issueToken('premium@example.com', { claims: { typ } });
    const reply = await profile(token);
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ error: 'unauthorized', message: 'Malformed token', requestId: expect.any(String) });
  });

  it('answers 401 Malformed token for an ID token shaped as Keycloak issues it (aud = the client, no roles)', async () => {
    const token = await stack.idp.issueToken('premium@example.com', {
      claims: { typ: 'ID', aud: 'api-gateway' },
      omit: ['realm_access', 'resource_access', 'scope'],
    });
    expect((await profile(token)).body['message']).toBe('Malformed token');
  });

  it('answers 401 Malformed token for a token without typ, or without exp', async () => {
    const noTyp = await stack.idp.issueToken('free@example.com', { omit: ['typ'] });
    const noExp = await stack.idp.issueToken('free@example.com', { omit: ['exp'] });
    expect(await profile(noTyp)).toMatchObject({ status: 401, body: { message: 'Malformed token' } });
    expect(await profile(noExp)).toMatchObject({ status: 401, body: { message: 'Malformed token' } });
  });

  it('answers 401 Malformed token for a token without kid', async () => {
    const token = await stack.idp.issueToken('free@example.com', { header: { kid: undefined } });
    const before = stack.idp.jwksRequests();
    expect(await profile(token)).toMatchObject({ status: 401, body: { message: 'Malformed token' } });
    expect(stack.idp.jwksRequests()).toBe(before);
  });
});

describe("edge: another client's roles grant nothing", () => {
  const otherClient = { 'billing-portal': { roles: ['admin', 'premium-user'] } };

  it("refuses the flags admin API (403) for another client's admin role, allows the realm role (201)", async () => {
    const borrowed = await stack.idp.issueToken('free@example.com', { claims: { resource_access: otherClient } });
    expect((await createFlag(borrowed)).status).toBe(403);
    expect((await createFlag(await stack.idp.issueToken('admin@example.com'))).status).toBe(201);
  });

  it("refuses /docs (403) for another client's admin role", async () => {
    const borrowed = await stack.idp.issueToken('free@example.com', { claims: { resource_access: otherClient } });
    expect((await call(`${edge.url}/docs/openapi.json`, { token: borrowed })).status).toBe(403);
    expect((await call(`${edge.url}/docs/openapi.json`, { token: await stack.idp.issueToken('admin@example.com') })).status).toBe(200);
  });

  it("keeps a user FREE with another client's premium-user role, PREMIUM with the gateway client's", async () => {
    const borrowed = await stack.idp.issueToken('free@example.com', { claims: { resource_access: otherClient } });
    expect((await profile(borrowed)).body).toMatchObject({ email: 'free@example.com', tier: 'FREE' });
    const own = await stack.idp.issueToken('free@example.com', {
      claims: { resource_access: { 'api-gateway': { roles: ['premium-user'] } } },
    });
    expect((await profile(own)).body).toMatchObject({ email: 'free@example.com', tier: 'PREMIUM' });
  });
});

describe('edge: azp allow-list (KEYCLOAK_ALLOWED_AZP)', () => {
  let restricted: RunningEdge;
  beforeAll(async () => {
    restricted = await startEdge(stack.edgeEnv({ KEYCLOAK_ALLOWED_AZP: 'web-app' }));
  });
  afterAll(() => closeAll(restricted));

  it('serves a token issued to a listed client and refuses others with 401', async () => {
    const listed = await stack.idp.issueToken('free@example.com', { claims: { azp: 'web-app' } });
    expect((await profile(listed, restricted.url)).status).toBe(200);
    const unlisted = await stack.idp.issueToken('free@example.com');
    expect(await profile(unlisted, restricted.url)).toMatchObject({
      status: 401,
      body: { message: 'Invalid token issuer or audience' },
    });
  });
});

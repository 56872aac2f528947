import { randomUUID } from 'node:crypto';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { HttpError, UnauthorizedError } from '@tp/errors';
import { startTestIdentityProvider } from '@tp/testing';
import jwt from 'jsonwebtoken';
import { TokenVerifier, type TokenVerifierOptions } from './token-verifier';

async function unauthorizedMessage(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect((err as HttpError).status).toBe(401);
    return (err as HttpError).message;
  }
  throw new Error('expected verify() to reject, but it resolved');
}

describe('TokenVerifier: access tokens of this gateway only', () => {
  let idp: DevIdentityProvider;
  let verifier: TokenVerifier;

  const newVerifier = (options: Partial<TokenVerifierOptions> = {}) =>
    new TokenVerifier({ jwksUri: idp.jwksUri, issuers: [idp.issuer], audience: 'api-gateway', ...options });

  beforeAll(async () => {
    idp = await startTestIdentityProvider();
    verifier = newVerifier();
  });

  afterAll(() => idp.stop());

  it('accepts a Keycloak access token (typ Bearer)', async () => {
    const token = await idp.issueToken('free@example.com');
    await expect(verifier.verify(token)).resolves.toMatchObject({ email: 'free@example.com' });
  });

  it.each(['ID', 'Refresh', 'Logout', 'bearer', 'JWT'])('refuses a token with typ %j as Malformed token', async (typ) => {
    const token = await idp.issueToken('premium@example.com', { claims: { typ } });
    expect(await unauthorizedMessage(verifier.verify(token))).toBe('Malformed token');
  });

  it('refuses a token without typ as Malformed token', async () => {
    const token = await idp.issueToken('premium@example.com', { omit: ['typ'] });
    expect(await unauthorizedMessage(verifier.verify(token))).toBe('Malformed token');
  });

  it('refuses a token without exp as Malformed token', async () => {
    const token = await idp.issueToken('premium@example.com', { omit: ['exp'] });
    expect(await unauthorizedMessage(verifier.verify(token))).toBe('Malformed token');
  });

  it('refuses a token without kid as Malformed token, without asking the JWKS', async () => {
    const token = await idp.issueToken('premium@example.com', { header: { kid: undefined } });
    const before = idp.jwksRequests();
    expect(await unauthorizedMessage(newVerifier().verify(token))).toBe('Malformed token');
    expect(idp.jwksRequests()).toBe(before);
  });

  it.each([
    ['an empty kid', ''],
    ['a kid that is not a string', 7],
  ])('refuses a token with %s as Malformed token', async (_case, kid) => {
    const token = await idp.issueToken('premium@example.com', { header: { kid } });
    expect(await unauthorizedMessage(verifier.verify(token))).toBe('Malformed token');
  });

  it('refuses a token without sub as Malformed token', async () => {
    const token = await idp.issueToken('premium@example.com', { omit: ['sub'] });
    expect(await unauthorizedMessage(verifier.verify(token))).toBe('Malformed token');
  });

  it.each(['not json', 'null', '"a string"', '42'])('refuses a typ JWT token whose payload is %s as Malformed token', async (payload) => {
    const [, , signature] = (await idp.issueToken('premium@example.com')).split('.') as [string, string, string];
    const header = jwt.decode(await idp.issueToken('premium@example.com'), { complete: true })!.header;
    const encode = (text: string) => Buffer.from(text).toString('base64url');
    const token = `${encode(JSON.stringify({ ...header, typ: 'JWT' }))}.${encode(payload)}.${signature}`;
    expect(await unauthorizedMessage(verifier.verify(token))).toBe('Malformed token');
  });

  describe('roles', () => {
    const otherClients = {
      'billing-portal': { roles: ['admin', 'premium-user'] },
      account: { roles: ['manage-account'] },
    };

    it("ignores another client's admin and premium-user roles", async () => {
      const token = await idp.issueToken('free@example.com', { claims: { resource_access: otherClients } });
      const identity = await verifier.verify(token);
      expect(identity.roles).not.toContain('admin');
      expect(identity.roles).not.toContain('premium-user');
      expect(identity.roles).not.toContain('manage-account');
      expect(identity.tier).toBe('FREE');
    });

    it("counts the gateway's own client roles next to the realm roles", async () => {
      const token = await idp.issueToken('free@example.com', {
        claims: { resource_access: { ...otherClients, 'api-gateway': { roles: ['premium-user'] } } },
      });
      const identity = await verifier.verify(token);
      expect(identity.roles).toEqual(expect.arrayContaining(['premium-user', 'offline_access']));
      expect(identity.roles).not.toContain('admin');
      expect(identity.tier).toBe('PREMIUM');
    });

    it('reads the client roles of the configured client id', async () => {
      const token = await idp.issueToken('free@example.com', {
        claims: { resource_access: { 'api-gateway': { roles: ['premium-user'] }, 'edge-b': { roles: ['admin'] } } },
      });
      const identity = await newVerifier({ clientId: 'edge-b' }).verify(token);
      expect(identity.roles).toContain('admin');
      expect(identity.roles).not.toContain('premium-user');
    });
  });

  describe('azp allow-list', () => {
    it('accepts any azp when the list is empty', async () => {
      const token = await idp.issueToken('free@example.com', { claims: { azp: 'some-spa' } });
      await expect(verifier.verify(token)).resolves.toMatchObject({ email: 'free@example.com' });
    });

    it('accepts a listed azp and refuses an unlisted or missing one', async () => {
      const restricted = newVerifier({ allowedAzp: ['web-app', 'api-gateway'] });
      const listed = await idp.issueToken('free@example.com', { claims: { azp: 'web-app' } });
      await expect(restricted.verify(listed)).resolves.toMatchObject({ email: 'free@example.com' });

      const unlisted = await idp.issueToken('free@example.com', { claims: { azp: 'other-app' } });
      expect(await unauthorizedMessage(restricted.verify(unlisted))).toBe('Invalid token issuer or audience');
      const missing = await idp.issueToken('free@example.com', { omit: ['azp'] });
      expect(await unauthorizedMessage(restricted.verify(missing))).toBe('Invalid token issuer or audience');
      const notAString = await idp.issueToken('free@example.com', { claims: { azp: ['web-app'] } });
      expect(await unauthorizedMessage(restricted.verify(notAString))).toBe('Invalid token issuer or audience');
    });
  });
});

describe('TokenVerifier: the verified-token cache', () => {
  let idp: DevIdentityProvider;
  beforeAll(async () => {
    idp = await startTestIdentityProvider();
  });
  afterAll(() => idp.stop());
  const fresh = () => idp.issueToken('free@example.com', { claims: { jti: randomUUID() } });

  it('holds at most cacheSize tokens, forgetting the oldest first', async () => {
    const verifier = new TokenVerifier({ jwksUri: idp.jwksUri, issuers: [idp.issuer], audience: 'api-gateway', cacheSize: 2 });
    const [a, b, c] = [await fresh(), await fresh(), await fresh()];
    for (const token of [a, b]) await verifier.verify(token);
    expect(verifier.verifyCached(a)).toBeDefined();
    expect(verifier.verifyCached(b)).toBeDefined();
    await verifier.verify(c);
    expect(verifier.verifyCached(a)).toBeUndefined();
    expect(verifier.verifyCached(b)).toBeDefined();
    expect(verifier.verifyCached(c)).toBeDefined();
  });

  it('forgets a cached token at the millisecond of its exp', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    // Only Date is faked: the identity provider and its JWKS still answer over real sockets.
    jest.useFakeTimers({ now: exp * 1000 - 1, doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'hrtime', 'performance'] });
    try {
      const verifier = new TokenVerifier({ jwksUri: idp.jwksUri, issuers: [idp.issuer], audience: 'api-gateway' });
      const token = await idp.issueToken('free@example.com', { claims: { exp } });
      await verifier.verify(token);
      expect(verifier.verifyCached(token)).toMatchObject({ email: 'free@example.com' });
      jest.setSystemTime(exp * 1000);
      expect(verifier.verifyCached(token)).toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });

  it('frees the place of an expired token, so it never pushes a live one out', async () => {
    const verifier = new TokenVerifier({ jwksUri: idp.jwksUri, issuers: [idp.issuer], audience: 'api-gateway', cacheSize: 2, clockToleranceSeconds: 30 });
    const live = await fresh();
    const expired = await idp.issueToken('free@example.com', { claims: { jti: randomUUID(), exp: Math.floor(Date.now() / 1000) - 1 } });
    await verifier.verify(live);
    await verifier.verify(expired);
    expect(verifier.verifyCached(expired)).toBeUndefined();
    await verifier.verify(await fresh());
    expect(verifier.verifyCached(live)).toBeDefined();
  });

  it('stops answering a cached token once it expired', async () => {
    const verifier = new TokenVerifier({ jwksUri: idp.jwksUri, issuers: [idp.issuer], audience: 'api-gateway', clockToleranceSeconds: 30 });
    const token = await idp.issueToken('free@example.com', { claims: { exp: Math.floor(Date.now() / 1000) - 1 } });
    await expect(verifier.verify(token)).resolves.toMatchObject({ email: 'free@example.com' });
    expect(verifier.verifyCached(token)).toBeUndefined();
  });
});

describe('TokenVerifier: the verified-token cache never outlives its key', () => {
  it('refuses a token it verified before once its key left the JWKS', async () => {
    const idp = await startTestIdentityProvider();
    try {
      let now = Date.now();
      const verifier = new TokenVerifier({
        jwksUri: idp.jwksUri,
        issuers: [idp.issuer],
        audience: 'api-gateway',
        jwks: { refreshIntervalMs: 1000, maxAgeMs: 60_000 },
        now: () => now,
      });
      const token = await idp.issueToken('premium@example.com');
      expect(verifier.verifyCached(token)).toBeUndefined();
      await expect(verifier.verify(token)).resolves.toMatchObject({ tier: 'PREMIUM' });
      // Verified once: the hot path answers from the cache, synchronously.
      expect(verifier.verifyCached(token)).toMatchObject({ tier: 'PREMIUM' });
      await expect(verifier.verify(token)).resolves.toMatchObject({ tier: 'PREMIUM' });
      const { kid } = await idp.rotateKey({ removeOld: true });

      // A token with the new kid makes the cache download the JWKS, which no longer has the old key.
      now += 1000;
      await verifier.verify(await idp.issueToken('premium@example.com', { claims: { jti: randomUUID() } }));
      expect(idp.signingKid).toBe(kid);
      expect(verifier.verifyCached(token)).toBeUndefined();
      expect(await unauthorizedMessage(verifier.verify(token))).toBe('Invalid token signature');
    } finally {
      await idp.stop();
    }
  });
});

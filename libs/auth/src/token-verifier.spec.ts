import { createHmac, createPublicKey, type JsonWebKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { HttpError, ServiceUnavailableError, UnauthorizedError } from '@tp/errors';
import { startTestIdentityProvider, DEV_PASSWORD } from '@tp/testing';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { TokenVerifier } from './token-verifier';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Runs `verify` and returns what it threw; fails the test when it resolved. */
async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    return err as HttpError;
  }
  throw new Error('expected verify() to reject, but it resolved');
}

describe('TokenVerifier', () => {
  let idp: DevIdentityProvider;
  let verifier: TokenVerifier;

  const newVerifier = (jwksUri = idp.jwksUri) =>
    new TokenVerifier({ jwksUri, issuers: [idp.issuer], audience: 'api-gateway', clockToleranceSeconds: 5 });

  async function expectUnauthorized(token: string, message: string, using = verifier) {
    const err = await rejection(using.verify(token));
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err.status).toBe(401);
    expect(err.message).toBe(message);
  }

  beforeAll(async () => {
    idp = await startTestIdentityProvider();
    verifier = newVerifier();
  });

  afterAll(() => idp.stop());

  it('turns a valid premium token from the password grant into an Identity', async () => {
    const token = await idp.passwordGrant('premium@example.com', DEV_PASSWORD);
    const claims = jwt.decode(token) as jwt.JwtPayload;

    const identity = await verifier.verify(token);

    expect(identity.userId).toBe(claims.sub);
    expect(identity.userId).toEqual(expect.any(String));
    expect(identity.email).toBe('premium@example.com');
    expect(identity.username).toBe('premium');
    expect(identity.roles).toContain('premium-user');
    expect(identity.tier).toBe('PREMIUM');
  });

  it('gives a user without the premium role the FREE tier', async () => {
    const token = await idp.passwordGrant('free@example.com', DEV_PASSWORD);

    const identity = await verifier.verify(token);

    expect(identity.email).toBe('free@example.com');
    expect(identity.roles).not.toContain('premium-user');
    expect(identity.tier).toBe('FREE');
  });

  it('rejects a token that expired longer ago than the clock tolerance', async () => {
    const token = await idp.issueToken('free@example.com', { claims: { exp: nowSeconds() - 60 } });
    await expectUnauthorized(token, 'Token expired');
  });

  it('accepts a token that expired within the clock tolerance', async () => {
    const token = await idp.issueToken('free@example.com', { claims: { exp: nowSeconds() - 1 } });
    await expect(verifier.verify(token)).resolves.toMatchObject({ email: 'free@example.com' });
  });

  it('rejects a token whose nbf is in the future', async () => {
    const token = await idp.issueToken('free@example.com', { claims: { nbf: nowSeconds() + 120 } });
    await expectUnauthorized(token, 'Token not yet valid');
  });

  it('rejects a token from another issuer', async () => {
    const token = await idp.issueToken('free@example.com', { claims: { iss: 'http://evil.example.com/realms/x' } });
    await expectUnauthorized(token, 'Invalid token issuer or audience');
  });

  it('rejects a token for another audience', async () => {
    const token = await idp.issueToken('free@example.com', { claims: { aud: 'some-other-client' } });
    await expectUnauthorized(token, 'Invalid token issuer or audience');
  });

  it('rejects a token without an audience', async () => {
    const token = await idp.issueToken('free@example.com', { omit: ['aud'] });
    expect((jwt.decode(token) as jwt.JwtPayload).aud).toBeUndefined();
    await expectUnauthorized(token, 'Invalid token issuer or audience');
  });

  it('rejects an unsigned token with alg none', async () => {
    const valid = jwt.decode(await idp.issueToken('premium@example.com'), { complete: true })!;
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(valid.payload)}.`;
    await expectUnauthorized(unsigned, 'Invalid token signature');
  });

  it('rejects a token signed with HS256 using the public key as secret', async () => {
    const valid = jwt.decode(await idp.issueToken('premium@example.com'), { complete: true })!;
    const jwks = (await (await fetch(idp.jwksUri)).json()) as { keys: Array<JsonWebKey & { kid: string }> };
    const jwk = jwks.keys.find((key) => key.kid === valid.header.kid)!;
    expect(jwk).toBeDefined();
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });

    const forged = jwt.sign(valid.payload as jwt.JwtPayload, pem, {
      algorithm: 'HS256',
      keyid: valid.header.kid,
    });

    // The forgery is well-formed: a verifier that trusted the header's alg would accept it.
    const [header, payload, signature] = forged.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
    expect(createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url')).toBe(signature);
    await expectUnauthorized(forged, 'Invalid token signature');
  });

  it('rejects a token whose kid is not in the JWKS', async () => {
    const token = await idp.issueToken('premium@example.com', { header: { kid: 'unknown' } });
    await expectUnauthorized(token, 'Invalid token signature');
  });

  it('rejects a token whose signature was tampered with', async () => {
    const token = await idp.issueToken('premium@example.com');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    // A character in the middle: the last one may only carry padding bits.
    const index = Math.floor(signature.length / 2);
    const flipped = signature[index] === 'A' ? 'B' : 'A';
    const tampered = `${header}.${payload}.${signature.slice(0, index)}${flipped}${signature.slice(index + 1)}`;
    await expectUnauthorized(tampered, 'Invalid token signature');
  });

  it('rejects a token whose payload was altered after signing', async () => {
    const token = await idp.issueToken('free@example.com');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const escalated = { ...claims, realm_access: { roles: ['premium-user'] } };
    await expectUnauthorized(`${header}.${base64url(escalated)}.${signature}`, 'Invalid token signature');
  });

  it.each(['abc', 'a.b.c', '', 'x.y'])('rejects the malformed token %j', async (token) => {
    await expectUnauthorized(token, 'Malformed token');
  });

  it('picks up a rotated signing key at the next allowed JWKS refresh', async () => {
    let now = Date.now();
    const rotating = new TokenVerifier({
      jwksUri: idp.jwksUri,
      issuers: [idp.issuer],
      audience: 'api-gateway',
      jwks: { refreshIntervalMs: 10_000 },
      now: () => now,
    });
    const before = await idp.issueToken('premium@example.com');
    await expect(rotating.verify(before)).resolves.toMatchObject({ tier: 'PREMIUM' });

    const { kid } = await idp.rotateKey();
    const after = await idp.issueToken('premium@example.com');
    expect(jwt.decode(after, { complete: true })!.header.kid).toBe(kid);
    expect(jwt.decode(before, { complete: true })!.header.kid).not.toBe(kid);

    // The JWKS was read a moment ago: the new kid is refused from memory until the interval passes.
    await expectUnauthorized(after, 'Invalid token signature', rotating);
    now += 10_000;
    await expect(rotating.verify(after)).resolves.toMatchObject({ tier: 'PREMIUM' });
    // The old key is still published, so a verifier that never saw it accepts earlier tokens too.
    await expect(newVerifier().verify(before)).resolves.toMatchObject({ tier: 'PREMIUM' });
  });

  it('has usable keys once the JWKS was read, and none before', async () => {
    const fresh = newVerifier();
    expect(fresh.hasUsableKeys()).toBe(false);
    await fresh.verify(await idp.issueToken('free@example.com'));
    expect(fresh.hasUsableKeys()).toBe(true);
  });

  describe('when the identity provider cannot answer', () => {
    let failing: Server | undefined;

    afterEach(async () => {
      if (failing) await new Promise((resolve) => failing!.close(resolve));
      failing = undefined;
    });

    it('answers 503 when the JWKS endpoint is unreachable', async () => {
      const token = await idp.issueToken('premium@example.com');
      const stopped = await startTestIdentityProvider();
      const jwksUri = stopped.jwksUri;
      await stopped.stop();

      const err = await rejection(newVerifier(jwksUri).verify(token));

      expect(err).toBeInstanceOf(ServiceUnavailableError);
      expect(err.status).toBe(503);
      expect(err.message).toBe('Identity provider unavailable');
    });

    it('answers 503 when the JWKS endpoint returns a server error', async () => {
      failing = createServer((_req, res) => {
        res.statusCode = 503;
        res.end('Keycloak is starting');
      });
      await new Promise<void>((resolve) => failing!.listen(0, '127.0.0.1', resolve));
      const { port } = failing.address() as AddressInfo;
      const token = await idp.issueToken('premium@example.com');

      const err = await rejection(newVerifier(`http://127.0.0.1:${port}/certs`).verify(token));

      expect(err).toBeInstanceOf(ServiceUnavailableError);
      expect(err.status).toBe(503);
      expect(err.message).toBe('Identity provider unavailable');
    });
  });
});

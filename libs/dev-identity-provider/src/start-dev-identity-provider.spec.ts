import jwt, { type JwtHeader, type JwtPayload } from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';
import { defaultDevUsers } from './default-dev-users';
import type { DevIdentityProvider } from './dev-identity-provider';
import { startDevIdentityProvider } from './start-dev-identity-provider';

const CLIENT_ID = 'api-gateway';
const CLIENT_SECRET = 'api-gateway-dev-secret';

describe('startDevIdentityProvider', () => {
  let idp: DevIdentityProvider;

  beforeAll(async () => {
    idp = await startDevIdentityProvider({
      port: 0,
      realm: 'toolsplatform',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      audience: 'api-gateway',
      users: defaultDevUsers('password'),
    });
  });

  afterAll(() => idp.stop());

  const tokenRequest = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(idp.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields),
    });

  const decode = (token: string) => jwt.decode(token, { complete: true }) as { header: JwtHeader; payload: JwtPayload };

  async function verifyAgainstJwks(token: string): Promise<JwtPayload> {
    const client = new JwksClient({ jwksUri: idp.jwksUri, cache: false });
    const key = await client.getSigningKey(decode(token).header.kid);
    return jwt.verify(token, key.getPublicKey(), {
      algorithms: ['RS256'],
      issuer: idp.issuer,
      audience: 'api-gateway',
    }) as JwtPayload;
  }

  it('uses Keycloak realm URLs', async () => {
    expect(idp.issuer).toBe(`http://localhost:${idp.port}/realms/toolsplatform`);
    const response = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: idp.issuer,
      token_endpoint: `${idp.issuer}/protocol/openid-connect/token`,
      jwks_uri: `${idp.issuer}/protocol/openid-connect/certs`,
    });
    expect(idp.jwksUri).toBe(discovery['jwks_uri']);
    expect(idp.tokenEndpoint).toBe(discovery['token_endpoint']);
  });

  it('404s outside the realm', async () => {
    expect((await fetch(`${idp.baseUrl}/token`)).status).toBe(404);
    expect((await fetch(`${idp.baseUrl}/realms/other/protocol/openid-connect/certs`)).status).toBe(404);
  });

  it('issues Keycloak-shaped tokens for the password grant, verifiable via the JWKS', async () => {
    const response = await tokenRequest({
      grant_type: 'password',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      username: 'premium@example.com',
      password: 'password',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'openid profile email' });

    const token = body['access_token'] as string;
    const { header, payload } = decode(token);
    expect(header).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(payload).toMatchObject({
      iss: idp.issuer,
      aud: 'api-gateway',
      azp: CLIENT_ID,
      typ: 'Bearer',
      email: 'premium@example.com',
      preferred_username: 'premium',
      scope: 'openid profile email',
    });
    expect(payload.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((payload['realm_access'] as { roles: string[] }).roles).toEqual(
      expect.arrayContaining(['premium-user', 'default-roles-toolsplatform', 'offline_access']),
    );
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);

    await expect(verifyAgainstJwks(token)).resolves.toMatchObject({ email: 'premium@example.com' });
  });

  it('accepts the username, HTTP Basic client auth, and gives a stable sub', async () => {
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
    const response = await tokenRequest(
      { grant_type: 'password', username: 'premium', password: 'password' },
      { authorization: `Basic ${basic}` },
    );
    expect(response.status).toBe(200);
    const viaBasic = decode(((await response.json()) as { access_token: string }).access_token).payload;
    const viaHelper = decode(await idp.passwordGrant('premium@example.com', 'password')).payload;
    expect(viaBasic.sub).toBe(viaHelper.sub);
    expect(viaBasic.email).toBe('premium@example.com');
  });

  it('rejects a wrong password with 400 invalid_grant', async () => {
    const response = await tokenRequest({
      grant_type: 'password',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      username: 'premium@example.com',
      password: 'nope',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid user credentials' });
  });

  it('rejects a wrong client secret with 401 invalid_client', async () => {
    const response = await tokenRequest({
      grant_type: 'password',
      client_id: CLIENT_ID,
      client_secret: 'wrong',
      username: 'premium@example.com',
      password: 'password',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('supports client_credentials for the service account', async () => {
    const response = await tokenRequest({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(response.status).toBe(200);
    const payload = await verifyAgainstJwks(((await response.json()) as { access_token: string }).access_token);
    expect(payload).toMatchObject({ azp: CLIENT_ID, preferred_username: 'service-account-api-gateway' });
    expect(payload['email']).toBeUndefined();
  });

  it('exchanges a refresh token for a new access token of the same user', async () => {
    const login = await tokenRequest({
      grant_type: 'password',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      username: 'admin',
      password: 'password',
    });
    const { refresh_token } = (await login.json()) as { refresh_token: string };
    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      refresh_token,
    });
    expect(refreshed.status).toBe(200);
    const payload = decode(((await refreshed.json()) as { access_token: string }).access_token).payload;
    expect(payload.email).toBe('admin@example.com');
  });

  it('issueToken applies claim overrides, removals and header overrides', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    const expired = await idp.issueToken('free@example.com', { claims: { exp: past } });
    await expect(verifyAgainstJwks(expired)).rejects.toThrow(/jwt expired/);

    const otherAudience = await idp.issueToken('free@example.com', { claims: { aud: 'other' }, omit: ['email'] });
    expect(decode(otherAudience).payload).toMatchObject({ aud: 'other', preferred_username: 'free' });
    expect(decode(otherAudience).payload.email).toBeUndefined();

    const unknownKid = await idp.issueToken('free@example.com', { header: { kid: 'unknown' } });
    expect(decode(unknownKid).header.kid).toBe('unknown');
    await expect(verifyAgainstJwks(await idp.issueToken('admin@example.com'))).resolves.toMatchObject({
      realm_access: { roles: expect.arrayContaining(['admin']) },
    });
  });

  it('rotateKey signs new tokens with the new kid and publishes it', async () => {
    const oldToken = await idp.passwordGrant('free', 'password');
    const oldKid = decode(oldToken).header.kid;
    const { kid } = await idp.rotateKey();
    expect(kid).not.toBe(oldKid);

    const kids = async () =>
      ((await (await fetch(idp.jwksUri)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    expect(await kids()).toEqual(expect.arrayContaining([oldKid, kid]));

    // Several tokens in a row: the library's round-robin key choice must not leak through.
    for (let i = 0; i < 3; i += 1) {
      const token = await idp.passwordGrant('free', 'password');
      expect(decode(token).header.kid).toBe(kid);
      await verifyAgainstJwks(token);
    }
    await verifyAgainstJwks(oldToken);

    const { kid: newest } = await idp.rotateKey({ removeOld: true });
    expect(await kids()).toEqual([newest]);
    expect(decode(await idp.issueToken('free@example.com')).header.kid).toBe(newest);
  });

  it('simulates a JWKS outage with 503 while still signing tokens, and counts JWKS requests', async () => {
    const before = idp.jwksRequests();
    idp.setJwksAvailable(false);
    try {
      expect((await fetch(idp.jwksUri)).status).toBe(503);
      expect(decode(await idp.issueToken('free@example.com')).header.kid).toBe(idp.signingKid);
    } finally {
      idp.setJwksAvailable(true);
    }
    expect((await fetch(idp.jwksUri)).status).toBe(200);
    expect(idp.jwksRequests()).toBe(before + 2);
  });
});

import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { createServiceApp, startServer, type RunningServer } from '@tp/http';
import { captureLogs, startTestIdentityProvider, DEV_PASSWORD } from '@tp/testing';
import { authenticate, requireIdentity } from './authenticate';
import { TokenVerifier } from './token-verifier';

describe('authenticate', () => {
  let idp: DevIdentityProvider;
  let server: RunningServer;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    idp = await startTestIdentityProvider();
    const verifier = new TokenVerifier({
      jwksUri: idp.jwksUri,
      issuers: [idp.issuer],
      audience: 'api-gateway',
      clockToleranceSeconds: 5,
    });
    logs = captureLogs();
    const { logger } = logs;
    const app = createServiceApp({
      logger,
      routes: (routes) => {
        routes.get('/required', authenticate(verifier, 'required'), (req, res) => {
          res.json({ identity: requireIdentity(req) });
        });
        routes.get('/required-bare', authenticate(verifier, 'required'), (_req, res) => {
          logger.info('handled');
          res.json({ reached: true });
        });
        routes.get('/optional', authenticate(verifier, 'optional'), (req, res) => {
          res.json(req.identity ? { identity: req.identity } : { anonymous: true });
        });
      },
    });
    server = await startServer(app, { port: 0, host: '127.0.0.1', logger });
  });

  afterAll(async () => {
    await server?.close();
    await idp?.stop();
  });

  const get = (path: string, authorization?: string) =>
    fetch(`${server.url}${path}`, { headers: authorization ? { authorization } : {} });

  async function expectUnauthorized(response: Response, message: string) {
    expect(response.status).toBe(401);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toEqual(expect.any(String));
    expect(await response.json()).toEqual({ error: 'unauthorized', message, requestId });
  }

  describe("in 'required' mode", () => {
    it('answers 401 Missing bearer token without a token', async () => {
      await expectUnauthorized(await get('/required'), 'Missing bearer token');
    });

    it('does not run the handler without a token', async () => {
      await expectUnauthorized(await get('/required-bare'), 'Missing bearer token');
      expect(logs.lines().filter((line) => line['msg'] === 'handled')).toEqual([]);
    });

    it("puts the token's user on the request's log lines", async () => {
      const token = await idp.passwordGrant('free@example.com', DEV_PASSWORD);
      const { sub } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string };
      expect((await get('/required-bare', `Bearer ${token}`)).status).toBe(200);
      expect(logs.lines().filter((line) => line['msg'] === 'handled')).toEqual([expect.objectContaining({ userId: sub })]);
    });

    it('passes the identity of a valid token to the handler', async () => {
      const token = await idp.passwordGrant('premium@example.com', DEV_PASSWORD);
      const response = await get('/required', `Bearer ${token}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        identity: { email: 'premium@example.com', username: 'premium', tier: 'PREMIUM' },
      });
    });

    it('answers 401 Malformed token for a Basic authorization header', async () => {
      await expectUnauthorized(await get('/required', 'Basic xyz'), 'Malformed token');
    });

    it('answers 401 for an expired token', async () => {
      const token = await idp.issueToken('free@example.com', { claims: { exp: Math.floor(Date.now() / 1000) - 60 } });
      await expectUnauthorized(await get('/required', `Bearer ${token}`), 'Token expired');
    });
  });

  describe("in 'optional' mode", () => {
    it('lets a request without a token through as anonymous', async () => {
      const response = await get('/optional');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ anonymous: true });
    });

    it('attaches the identity of a valid token', async () => {
      const token = await idp.passwordGrant('free@example.com', DEV_PASSWORD);
      const response = await get('/optional', `Bearer ${token}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ identity: { email: 'free@example.com', tier: 'FREE' } });
    });

    it('answers 401 for an invalid token instead of downgrading to anonymous', async () => {
      const token = await idp.issueToken('premium@example.com', { claims: { aud: 'someone-else' } });
      await expectUnauthorized(await get('/optional', `Bearer ${token}`), 'Invalid token issuer or audience');
    });

    it('answers 401 for a garbage bearer token', async () => {
      await expectUnauthorized(await get('/optional', 'Bearer not-a-jwt'), 'Malformed token');
    });

    it('answers 401 Malformed token for a Basic authorization header', async () => {
      await expectUnauthorized(await get('/optional', 'Basic xyz'), 'Malformed token');
    });
  });

  describe('the Authorization header', () => {
    it('takes the scheme in any case, with any run of spaces before the token and after it', async () => {
      const token = await idp.passwordGrant('free@example.com', DEV_PASSWORD);
      for (const header of [`bearer ${token}`, `BEARER   ${token}`, `Bearer ${token}  `]) {
        const response = await get('/required', header);
        expect(response.status).toBe(200);
      }
    });

    it('answers 401 Malformed token for a scheme without a token, two tokens or a token glued to the scheme', async () => {
      const token = await idp.passwordGrant('free@example.com', DEV_PASSWORD);
      for (const header of ['Bearer', 'Bearer ', `Bearer ${token} ${token}`, `Bearer${token}`, `x Bearer ${token}`]) {
        await expectUnauthorized(await get('/optional', header), 'Malformed token');
      }
    });

    it('verifies a returning token from the cache with the same identity', async () => {
      const token = await idp.passwordGrant('premium@example.com', DEV_PASSWORD);
      const first = await (await get('/required', `Bearer ${token}`)).json();
      const second = await (await get('/required', `Bearer ${token}`)).json();
      expect(second).toEqual(first);
      expect(second).toMatchObject({ identity: { tier: 'PREMIUM' } });
    });
  });

  it('requireIdentity refuses a request that carries no identity', () => {
    expect(() => requireIdentity({})).toThrow('Missing bearer token');
  });
});

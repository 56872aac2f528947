import jwt from 'jsonwebtoken';
import { DEV_PASSWORD, ISO_TIMESTAMP, UUID } from '@tp/testing';
import { startUserService, type UserService } from './support/user-service';

const PROFILE = '/api/v1/user/profile';

const subjectOf = (token: string) => (jwt.decode(token) as { sub: string }).sub;

describe('GET /api/v1/user/profile', () => {
  let service: UserService;

  beforeAll(async () => {
    service = await startUserService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('returns a free user with our own id, email, username, FREE tier and ISO createdAt', async () => {
    const token = await service.idp.passwordGrant('free@example.com', DEV_PASSWORD);

    const response = await service.get(PROFILE, { token });

    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      id: expect.stringMatching(UUID),
      email: 'free@example.com',
      username: 'free',
      tier: 'FREE',
      createdAt: expect.stringMatching(ISO_TIMESTAMP),
      subscription: null,
    });
    expect(body['id']).not.toBe(subjectOf(token));
    const { rows } = await service.testDb.database.pool.query<{ id: string; keycloak_id: string }>(
      'SELECT id, keycloak_id FROM users WHERE email = $1',
      ['free@example.com'],
    );
    expect(rows).toEqual([{ id: body['id'], keycloak_id: subjectOf(token) }]);
    expect(Math.abs(Date.parse(body['createdAt'] as string) - Date.now())).toBeLessThan(60_000);
  });

  it('returns a premium user with the PREMIUM tier', async () => {
    const token = await service.idp.passwordGrant('premium@example.com', DEV_PASSWORD);

    const response = await service.get(PROFILE, { token });

    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      id: expect.stringMatching(UUID),
      email: 'premium@example.com',
      username: 'premium',
      tier: 'PREMIUM',
      createdAt: expect.stringMatching(ISO_TIMESTAMP),
      subscription: null,
    });
    expect(body['id']).not.toBe(subjectOf(token));
  });

  it('returns the same account on later requests', async () => {
    const first = await service.get(PROFILE, { token: await service.idp.passwordGrant('free@example.com', DEV_PASSWORD) });
    const second = await service.get(PROFILE, { token: await service.idp.passwordGrant('free@example.com', DEV_PASSWORD) });

    expect(await second.json()).toEqual(await first.json());
  });

  it('answers 401 JSON with a request id when there is no token', async () => {
    const response = await service.get(PROFILE);

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({ error: 'unauthorized', message: 'Missing bearer token', requestId: expect.any(String) });
    expect(body['requestId']).toBe(response.headers.get('x-request-id'));
  });

  it('answers 401 to forged identity headers without a token', async () => {
    const response = await service.get(PROFILE, {
      headers: { 'x-user-id': '00000000-0000-4000-8000-000000000000', 'x-user-tier': 'PREMIUM', 'x-user-email': 'premium@example.com' },
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('answers 401 to a token that is not a valid JWT', async () => {
    const response = await service.get(PROFILE, { token: 'not-a-jwt' });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'unauthorized', requestId: expect.any(String) });
  });

  it('keeps a free user FREE when the request also claims x-user-tier: PREMIUM', async () => {
    const token = await service.idp.passwordGrant('free@example.com', DEV_PASSWORD);

    const response = await service.get(PROFILE, { token, headers: { 'x-user-tier': 'PREMIUM' } });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ email: 'free@example.com', tier: 'FREE' });
    const { rows } = await service.testDb.database.pool.query<{ tier: string }>('SELECT tier FROM users WHERE email = $1', [
      'free@example.com',
    ]);
    expect(rows).toEqual([{ tier: 'FREE' }]);
  });

  describe('request id', () => {
    it('echoes an incoming x-request-id in the response header and the error body', async () => {
      const response = await service.get(PROFILE, { headers: { 'x-request-id': 'test-req-000123' } });

      expect(response.status).toBe(401);
      expect(response.headers.get('x-request-id')).toBe('test-req-000123');
      expect(await response.json()).toMatchObject({ requestId: 'test-req-000123' });
    });

    it('echoes an incoming x-request-id on a successful response', async () => {
      const token = await service.idp.passwordGrant('free@example.com', DEV_PASSWORD);

      const response = await service.get(PROFILE, { token, headers: { 'x-request-id': 'test-req-000123' } });

      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe('test-req-000123');
    });

    it('replaces an unsafe x-request-id with a generated one', async () => {
      const response = await service.get(PROFILE, { headers: { 'x-request-id': 'bad id with spaces' } });

      const generated = response.headers.get('x-request-id');
      expect(generated).toMatch(UUID);
      expect(await response.json()).toMatchObject({ requestId: generated });
    });
  });
});

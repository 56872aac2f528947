import jwt from 'jsonwebtoken';
import { DEV_PASSWORD } from '@tp/testing';
import { startUserService, type UserService } from './support/user-service';

const PROFILE = '/api/v1/user/profile';

interface UserRowSnapshot {
  id: string;
  keycloak_id: string;
  email: string | null;
  username: string | null;
  tier: string;
  created_at: string;
  updated_at: string;
  /** The inserting/updating transaction id: it changes on every write to the row, even a no-op UPDATE. */
  xmin: string;
}

const subjectOf = (token: string) => (jwt.decode(token) as { sub: string }).sub;

describe('lazy user sync', () => {
  let service: UserService;

  beforeAll(async () => {
    service = await startUserService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  async function rowsFor(keycloakId: string): Promise<UserRowSnapshot[]> {
    const { rows } = await service.testDb.database.pool.query<UserRowSnapshot>(
      `SELECT id, keycloak_id, email, username, tier::text AS tier,
              created_at::text AS created_at, updated_at::text AS updated_at, xmin::text AS xmin
         FROM users WHERE keycloak_id = $1`,
      [keycloakId],
    );
    return rows;
  }

  async function onlyRowFor(keycloakId: string): Promise<UserRowSnapshot> {
    const rows = await rowsFor(keycloakId);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  async function profile(token: string): Promise<{ id: string; email: string }> {
    const response = await service.get(PROFILE, { token });
    expect(response.status).toBe(200);
    return (await response.json()) as { id: string; email: string };
  }

  async function repeat(times: number, token: string): Promise<void> {
    for (let i = 0; i < times; i += 1) await profile(token);
  }

  it('creates the user on the first authenticated request', async () => {
    const token = await service.idp.passwordGrant('free@example.com', DEV_PASSWORD);
    const sub = subjectOf(token);
    expect(await rowsFor(sub)).toEqual([]);

    const body = await profile(token);

    const row = await onlyRowFor(sub);
    expect(row).toMatchObject({ id: body.id, email: 'free@example.com', username: 'free', tier: 'FREE' });
    expect(row.updated_at).toBe(row.created_at);
  });

  it('writes nothing on later requests whose token claims match the stored user', async () => {
    const token = await service.idp.passwordGrant('free@example.com', DEV_PASSWORD);
    await profile(token);
    const before = await onlyRowFor(subjectOf(token));

    await repeat(10, token);
    // A fresh token for the same user, with the same claims, is no reason to write either.
    await repeat(1, await service.idp.passwordGrant('free@example.com', DEV_PASSWORD));

    const after = await onlyRowFor(subjectOf(token));
    expect(after).toEqual(before);
    expect(after.xmin).toBe(before.xmin);
    expect(after.updated_at).toBe(before.updated_at);
  });

  it('updates the row exactly once when the token carries a changed email, then stays stable', async () => {
    const original = await service.idp.passwordGrant('premium@example.com', DEV_PASSWORD);
    const sub = subjectOf(original);
    const created = await profile(original);
    const before = await onlyRowFor(sub);

    const changed = await service.idp.issueToken('premium@example.com', { claims: { email: 'new@example.com' } });
    expect(subjectOf(changed)).toBe(sub);
    const body = await profile(changed);

    expect(body).toMatchObject({ id: created.id, email: 'new@example.com' });
    const updated = await onlyRowFor(sub);
    expect(updated).toMatchObject({
      id: before.id,
      email: 'new@example.com',
      username: 'premium',
      tier: 'PREMIUM',
      created_at: before.created_at,
    });
    expect(updated.xmin).not.toBe(before.xmin);
    expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(before.updated_at));

    await repeat(10, changed);

    const stable = await onlyRowFor(sub);
    expect(stable).toEqual(updated);
    expect(stable.xmin).toBe(updated.xmin);
    expect(stable.updated_at).toBe(updated.updated_at);
  });

  it('creates exactly one user when 20 first requests arrive at once', async () => {
    const token = await service.idp.passwordGrant('admin@example.com', DEV_PASSWORD);
    const sub = subjectOf(token);
    expect(await rowsFor(sub)).toEqual([]);

    const responses = await Promise.all(Array.from({ length: 20 }, () => service.get(PROFILE, { token })));

    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as Array<{ id: string }>;
    const row = await onlyRowFor(sub);
    expect(new Set(bodies.map((body) => body.id))).toEqual(new Set([row.id]));
    expect(row).toMatchObject({ email: 'admin@example.com', username: 'admin', tier: 'FREE' });
  });
});

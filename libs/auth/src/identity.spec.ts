import { ADMIN_ROLE, DEFAULT_CLIENT_ID, identityFromClaims, PREMIUM_ROLE } from './identity';

describe('identityFromClaims', () => {
  const sub = '3f1c2b9e-0000-4000-8000-000000000001';

  it('maps sub, email and preferred_username', () => {
    expect(identityFromClaims({ sub, email: 'a@example.com', preferred_username: 'alice' })).toEqual({
      userId: sub,
      email: 'a@example.com',
      username: 'alice',
      roles: [],
      tier: 'FREE',
    });
  });

  it('has no identity without a sub, with an empty sub or a sub that is not a string', () => {
    expect(identityFromClaims({})).toBeUndefined();
    expect(identityFromClaims({ sub: '' })).toBeUndefined();
    expect(identityFromClaims({ sub: 42 })).toBeUndefined();
  });

  it('leaves email and username null when they are missing or not strings', () => {
    const identity = identityFromClaims({ sub, email: 7, preferred_username: ['alice'] });
    expect(identity).toMatchObject({ email: null, username: null });
  });

  it('reads the realm roles, keeping only strings', () => {
    const identity = identityFromClaims({ sub, realm_access: { roles: [ADMIN_ROLE, 5, null, 'offline_access'] } });
    expect(identity?.roles).toEqual([ADMIN_ROLE, 'offline_access']);
  });

  it('ignores realm roles that are not a list', () => {
    expect(identityFromClaims({ sub, realm_access: { roles: PREMIUM_ROLE } })).toMatchObject({ roles: [], tier: 'FREE' });
    expect(identityFromClaims({ sub, realm_access: { roles: { 0: PREMIUM_ROLE, length: 1 } } })?.roles).toEqual([]);
  });

  it('gives the PREMIUM tier to the premium-user role, from the realm or from the own client', () => {
    expect(identityFromClaims({ sub, realm_access: { roles: [PREMIUM_ROLE] } })?.tier).toBe('PREMIUM');
    expect(identityFromClaims({ sub, resource_access: { [DEFAULT_CLIENT_ID]: { roles: [PREMIUM_ROLE] } } })?.tier).toBe('PREMIUM');
  });

  it("adds the gateway client's roles to the realm roles, once each", () => {
    const identity = identityFromClaims({
      sub,
      realm_access: { roles: ['reader', ADMIN_ROLE] },
      resource_access: { [DEFAULT_CLIENT_ID]: { roles: [ADMIN_ROLE, 'writer', 3] } },
    });
    expect(identity?.roles).toEqual(['reader', ADMIN_ROLE, 'writer']);
  });

  it("ignores another client's roles and reads the client id it is given", () => {
    const claims = { sub, resource_access: { 'other-app': { roles: [ADMIN_ROLE] }, [DEFAULT_CLIENT_ID]: { roles: ['own'] } } };
    expect(identityFromClaims(claims)?.roles).toEqual(['own']);
    expect(identityFromClaims(claims, 'other-app')?.roles).toEqual([ADMIN_ROLE]);
  });

  it('ignores a resource_access claim that is not an object', () => {
    expect(identityFromClaims({ sub, resource_access: 'api-gateway' })?.roles).toEqual([]);
    expect(identityFromClaims({ sub, resource_access: null })?.roles).toEqual([]);
  });

  it('ignores a client entry without a roles list', () => {
    expect(identityFromClaims({ sub, resource_access: { [DEFAULT_CLIENT_ID]: null } })?.roles).toEqual([]);
    expect(identityFromClaims({ sub, resource_access: { [DEFAULT_CLIENT_ID]: { roles: ADMIN_ROLE } } })?.roles).toEqual([]);
  });

  it("never reads a client's roles from the claim's prototype", () => {
    const inherited = Object.create({ [DEFAULT_CLIENT_ID]: { roles: [ADMIN_ROLE] } }) as object;
    expect(identityFromClaims({ sub, resource_access: inherited })?.roles).toEqual([]);
    expect(identityFromClaims({ sub, resource_access: {} }, 'constructor')?.roles).toEqual([]);
  });
});

import { featureFlags } from '@tp/db';
import { DEV_PASSWORD } from '@tp/testing';
import { startUserService, type UserService } from './support/user-service';

const PROFILE = '/api/v1/user/profile';
const LIMITS = '/api/v1/user/limits';

describe('first login with FEATURE_REGISTRATION_ENABLED=false', () => {
  let service: UserService;

  beforeAll(async () => {
    service = await startUserService({ env: { FEATURE_REGISTRATION_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('refuses to create the user with 503 "Registration is currently disabled"', async () => {
    const token = await service.idp.passwordGrant('free@example.com', DEV_PASSWORD);

    const response = await service.get(PROFILE, { token });

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: 'service_unavailable',
      message: 'Registration is currently disabled',
      requestId: expect.any(String),
    });
    const { rows } = await service.testDb.database.pool.query('SELECT 1 FROM users');
    expect(rows).toEqual([]);
  });
});

describe('the registration DB flag', () => {
  let service: UserService;

  beforeAll(async () => {
    service = await startUserService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  async function setFlag(key: string, values: { enabled: boolean; tiers?: Array<'FREE' | 'PREMIUM'> }) {
    await service.testDb.database.db
      .insert(featureFlags)
      .values({ key, ...values })
      .onConflictDoUpdate({ target: featureFlags.key, set: { enabled: values.enabled, tiers: values.tiers ?? [] } });
    service.flags.invalidate();
  }

  it('keeps existing users working while registration is off, and refuses new ones', async () => {
    const existing = await service.idp.passwordGrant('free@example.com', DEV_PASSWORD);
    expect((await service.get(PROFILE, { token: existing })).status).toBe(200);

    await setFlag('registration', { enabled: false });

    expect((await service.get(PROFILE, { token: existing })).status).toBe(200);
    expect((await service.get(LIMITS, { token: existing })).status).toBe(200);
    const newcomer = await service.idp.passwordGrant('premium@example.com', DEV_PASSWORD);
    const refused = await service.get(PROFILE, { token: newcomer });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ message: 'Registration is currently disabled' });

    await setFlag('registration', { enabled: true });
    expect((await service.get(PROFILE, { token: newcomer })).status).toBe(200);
  });

  it('turns ads off for FREE users when the ads DB flag targets PREMIUM only', async () => {
    const token = await service.idp.passwordGrant('free@example.com', DEV_PASSWORD);
    expect(await (await service.get(LIMITS, { token })).json()).toMatchObject({ tier: 'FREE', adsEnabled: true });

    await setFlag('ads', { enabled: true, tiers: ['PREMIUM'] });
    expect(await (await service.get(LIMITS, { token })).json()).toMatchObject({ tier: 'FREE', adsEnabled: false });

    await setFlag('ads', { enabled: true, tiers: ['FREE'] });
    expect(await (await service.get(LIMITS, { token })).json()).toMatchObject({ tier: 'FREE', adsEnabled: true });
  });
});

import { DEV_PASSWORD } from '@tp/testing';
import { startUserService, type UserService } from './support/user-service';

const LIMITS = '/api/v1/user/limits';
const GB = 1024 ** 3;
const unused = (limit: number) => ({ limit, used: 0, remaining: limit });
// The product's storage limits (libs/tiers STORAGE_DEFAULTS), for an account that stored nothing yet.
const FREE_STORAGE = { windowHours: 24, retentionHours: 24, stored: unused(1 * GB), files: unused(200), bytes: unused(3 * GB) };
const PREMIUM_STORAGE = { windowHours: 24, retentionHours: 720, stored: unused(50 * GB), files: unused(2000), bytes: unused(100 * GB) };

describe('GET /api/v1/user/limits', () => {
  let service: UserService;

  beforeAll(async () => {
    service = await startUserService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('gives a FREE user 15 MB, one file per request, no batches, ads, normal priority and 1 GB / 200 files / 3 GB a day kept 24 h', async () => {
    const token = await service.idp.passwordGrant('free@example.com', DEV_PASSWORD);

    const response = await service.get(LIMITS, { token });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      tier: 'FREE',
      maxFileSizeBytes: 15_728_640,
      maxFilesPerRequest: 1,
      batchUploads: false,
      adsEnabled: true,
      queuePriority: 'normal',
      storage: FREE_STORAGE,
    });
  });

  it('gives a PREMIUM user 200 MB, batch uploads, no ads, priority queueing and 50 GB / 2,000 files / 100 GB a day kept 30 days', async () => {
    const token = await service.idp.passwordGrant('premium@example.com', DEV_PASSWORD);

    const response = await service.get(LIMITS, { token });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      tier: 'PREMIUM',
      maxFileSizeBytes: 209_715_200,
      maxFilesPerRequest: 20,
      batchUploads: true,
      adsEnabled: false,
      queuePriority: 'priority',
      storage: PREMIUM_STORAGE,
    });
  });

  it('keeps a free user on FREE limits when the request claims x-user-tier: PREMIUM', async () => {
    const token = await service.idp.passwordGrant('free@example.com', DEV_PASSWORD);

    const response = await service.get(LIMITS, { token, headers: { 'x-user-tier': 'PREMIUM' } });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ tier: 'FREE', maxFileSizeBytes: 15_728_640, batchUploads: false });
  });

  it('answers 401 JSON with a request id when there is no token', async () => {
    const response = await service.get(LIMITS, { headers: { 'x-user-id': 'someone', 'x-user-tier': 'PREMIUM' } });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: 'unauthorized',
      message: expect.any(String),
      requestId: expect.any(String),
    });
  });
});

describe('GET /api/v1/user/limits with FEATURE_ADS_ENABLED=false', () => {
  let service: UserService;

  beforeAll(async () => {
    service = await startUserService({ env: { FEATURE_ADS_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('turns ads off for a FREE user and leaves the other FREE limits alone', async () => {
    const token = await service.idp.passwordGrant('free@example.com', DEV_PASSWORD);

    const response = await service.get(LIMITS, { token });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      tier: 'FREE',
      maxFileSizeBytes: 15_728_640,
      maxFilesPerRequest: 1,
      batchUploads: false,
      adsEnabled: false,
      queuePriority: 'normal',
      storage: FREE_STORAGE,
    });
  });

  it('keeps ads off for a PREMIUM user', async () => {
    const token = await service.idp.passwordGrant('premium@example.com', DEV_PASSWORD);

    const response = await service.get(LIMITS, { token });

    expect(await response.json()).toMatchObject({ tier: 'PREMIUM', adsEnabled: false });
  });
});

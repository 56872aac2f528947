import { DEV_PASSWORD } from '@tp/testing';
import { startUserService, type UserService } from './support/user-service';

const LIMITS = '/api/v1/user/limits';

describe('GET /api/v1/user/limits', () => {
  let service: UserService;

  beforeAll(async () => {
    service = await startUserService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('gives a FREE user 15 MB, one file per request, no batches, ads and normal priority', async () => {
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
    });
  });

  it('gives a PREMIUM user 200 MB, batch uploads, no ads and priority queueing', async () => {
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
    });
  });

  it('keeps ads off for a PREMIUM user', async () => {
    const token = await service.idp.passwordGrant('premium@example.com', DEV_PASSWORD);

    const response = await service.get(LIMITS, { token });

    expect(await response.json()).toMatchObject({ tier: 'PREMIUM', adsEnabled: false });
  });
});

import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { uploads } from '@tp/db';
import { TooManyRequestsError } from '@tp/errors';
import { createTestDatabase, type TestDatabase } from '@tp/testing';
import { AnonymousQuota, NETWORK_QUOTA_FACTOR, type AnonymousQuotaSettings } from './anonymous-quota';
import { AnonymousQuotaStore } from './anonymous-quota-store';

const HOUR = 3_600_000;
const SETTINGS: AnonymousQuotaSettings = { files: 3, bytes: 1000, windowMs: HOUR, storageCapBytes: 1_000_000 };
const hash = () => randomBytes(8).toString('hex');

/** What reserve() threw: the 429 with its Retry-After and details. */
async function refusalOf(promise: Promise<unknown>): Promise<TooManyRequestsError> {
  const err: unknown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(err).toBeInstanceOf(TooManyRequestsError);
  return err as TooManyRequestsError;
}

describe('AnonymousQuota (real Postgres)', () => {
  let testDb: TestDatabase;
  let now: number;
  const quota = (settings: Partial<AnonymousQuotaSettings> = {}) =>
    new AnonymousQuota(new AnonymousQuotaStore(testDb.database), { ...SETTINGS, ...settings }, () => new Date(now));
  const request = (client: string, bytes: number, network = hash()) => ({ ipHash: client, ipNetworkHash: network, expiresAt: new Date(now + HOUR), bytes });
  /** Moves a reservation's creation time to `ago` ms before now (rows are stamped by the database's clock). */
  const age = (id: string, ago: number) => testDb.database.db.update(uploads).set({ createdAt: new Date(now - ago) }).where(eq(uploads.id, id));
  const row = async (id: string) => (await testDb.database.db.select().from(uploads).where(eq(uploads.id, id)))[0];

  /** The storage cap counts every anonymous upload: a storage test starts from none. */
  const forgetEveryUpload = () => testDb.database.db.update(uploads).set({ status: 'failed' });

  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  beforeEach(() => {
    now = Date.now();
  });
  afterAll(() => testDb.drop());

  it('reserves an uploading row named `file` that holds its bytes against the quotas', async () => {
    const [client, network] = [hash(), hash()];
    const reservation = await quota().reserve(request(client, 700, network));
    expect(await row(reservation.id)).toMatchObject({
      objectKey: reservation.objectKey,
      ipHash: client,
      ipNetworkHash: network,
      reservedBytes: 700,
      name: 'file',
      tier: 'ANONYMOUS',
      status: 'uploading',
      expiresAt: new Date(now + HOUR),
    });
  });

  it("refuses a client's file past the file quota until its oldest upload leaves the window", async () => {
    const client = hash();
    const first = await quota().reserve(request(client, 1));
    await age(first.id, 20 * 60_000);
    await quota().reserve(request(client, 1));
    await quota().reserve(request(client, 1));

    const refused = await refusalOf(quota().reserve(request(client, 1)));

    expect(refused.message).toBe('Anonymous uploads are limited to 3 files per 1 h: sign in to upload more, or retry later');
    expect(refused.headers).toEqual({ 'Retry-After': String(40 * 60) });
    expect(refused.details).toEqual({ quota: 'files', scope: 'client', limit: 3, retryAfterSeconds: 40 * 60 });
  });

  it("refuses a client's bytes past the byte quota, allowing exactly the quota", async () => {
    const client = hash();
    const first = await quota().reserve(request(client, 600));
    await age(first.id, 50 * 60_000);
    await quota().reserve(request(client, 300));
    await quota().reserve(request(client, 100));
    const refused = await refusalOf(quota({ files: 10 }).reserve(request(client, 1)));
    expect(refused.message).toBe('Anonymous uploads are limited to 1000 bytes per 1 h: sign in to upload more, or retry later');
    // The first upload's 600 bytes are free in 10 minutes.
    expect(refused.details).toEqual({ quota: 'bytes', scope: 'client', limit: 1000, retryAfterSeconds: 10 * 60 });
  });

  it('waits for as many old uploads to leave as the new one needs room', async () => {
    const client = hash();
    const [a, b] = [await quota().reserve(request(client, 400)), await quota().reserve(request(client, 400))];
    await age(a.id, 50 * 60_000);
    await age(b.id, 40 * 60_000);
    const refused = await refusalOf(quota().reserve(request(client, 700)));
    expect(refused.details).toMatchObject({ quota: 'bytes', retryAfterSeconds: 20 * 60 });
  });

  it('answers a request bigger than the whole byte quota with the time the last upload leaves', async () => {
    const client = hash();
    const only = await quota().reserve(request(client, 10));
    await age(only.id, 15 * 60_000);
    const refused = await refusalOf(quota().reserve(request(client, 1001)));
    expect(refused.details).toMatchObject({ quota: 'bytes', retryAfterSeconds: 45 * 60 });
  });

  it('never answers Retry-After 0, even as the oldest upload is leaving', async () => {
    const client = hash();
    const settings = { files: 1 };
    const first = await quota(settings).reserve(request(client, 1));
    await age(first.id, HOUR - 100);
    expect((await refusalOf(quota(settings).reserve(request(client, 1)))).headers).toEqual({ 'Retry-After': '1' });
  });

  it('counts neither uploads older than the window nor released reservations', async () => {
    const client = hash();
    const settings = { files: 1 };
    const old = await quota(settings).reserve(request(client, 1));
    await age(old.id, HOUR + 1000);
    const released = await quota(settings).reserve(request(client, 1));
    await quota().release(released);
    expect(await row(released.id)).toMatchObject({ status: 'failed', failureReason: expect.any(String) });
    await expect(quota(settings).reserve(request(client, 1))).resolves.toMatchObject({ id: expect.any(String) });
  });

  it('does not release a reservation a file already filled', async () => {
    const reservation = await quota().reserve(request(hash(), 1));
    await testDb.database.db.update(uploads).set({ status: 'queued', size: 900 }).where(eq(uploads.id, reservation.id));
    await quota().release(reservation);
    expect((await row(reservation.id))?.status).toBe('queued');
  });

  it("counts a stored file by its size, not its reservation", async () => {
    const client = hash();
    const reservation = await quota().reserve(request(client, 100));
    await testDb.database.db.update(uploads).set({ status: 'queued', size: 950 }).where(eq(uploads.id, reservation.id));
    expect((await refusalOf(quota().reserve(request(client, 100)))).details).toMatchObject({ quota: 'bytes', scope: 'client' });
  });

  it(`lets one network upload ${NETWORK_QUOTA_FACTOR} times a client's files, then refuses every client in it`, async () => {
    const network = hash();
    const settings = { files: 1, bytes: 100 };
    for (let client = 0; client < NETWORK_QUOTA_FACTOR; client += 1) await quota(settings).reserve(request(hash(), 1, network));
    const refused = await refusalOf(quota(settings).reserve(request(hash(), 1, network)));
    expect(refused.message).toBe('Anonymous uploads from one network are limited to 10 files per 1 h: sign in to upload more, or retry later');
    expect(refused.details).toMatchObject({ quota: 'files', scope: 'network', limit: 10 });
    await expect(quota(settings).reserve(request(hash(), 1))).resolves.toBeDefined();
  });

  it(`lets one network hold ${NETWORK_QUOTA_FACTOR} times a client's bytes`, async () => {
    const network = hash();
    const settings = { files: 5, bytes: 100 };
    for (let client = 0; client < NETWORK_QUOTA_FACTOR; client += 1) await quota(settings).reserve(request(hash(), 100, network));
    const refused = await refusalOf(quota(settings).reserve(request(hash(), 1, network)));
    expect(refused.details).toMatchObject({ quota: 'bytes', scope: 'network', limit: 1000 });
  });

  it('pauses every anonymous upload while their storage is full, until the next one expires (at least a minute)', async () => {
    await forgetEveryUpload();
    const settings = { storageCapBytes: 1500 };
    const soon = await quota(settings).reserve({ ...request(hash(), 900), expiresAt: new Date(now + 10 * 60_000) });
    await quota(settings).reserve(request(hash(), 600));
    const refused = await refusalOf(quota(settings).reserve(request(hash(), 1)));
    expect(refused.message).toBe('Anonymous uploads are paused while their storage is full: sign in to upload more, or retry later');
    expect(refused.details).toEqual({ quota: 'storage', retryAfterSeconds: 10 * 60 });

    await testDb.database.db.update(uploads).set({ expiresAt: new Date(now + 5000) }).where(eq(uploads.id, soon.id));
    expect((await refusalOf(quota(settings).reserve(request(hash(), 1)))).details).toMatchObject({ retryAfterSeconds: 60 });
    await quota().release(soon);
    await expect(quota(settings).reserve(request(hash(), 900))).resolves.toBeDefined();
  });

  it('waits a window for storage when no stored upload has an expiry', async () => {
    await forgetEveryUpload();
    const settings = { storageCapBytes: 100 };
    const reservation = await quota(settings).reserve(request(hash(), 100));
    await testDb.database.db.update(uploads).set({ expiresAt: null }).where(eq(uploads.id, reservation.id));
    expect((await refusalOf(quota(settings).reserve(request(hash(), 1)))).details).toMatchObject({ quota: 'storage', retryAfterSeconds: 3600 });
  });

  it('lets concurrent reservations of one client never overshoot its file quota', async () => {
    const client = hash();
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => quota().reserve(request(client, 1))));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
  });
});

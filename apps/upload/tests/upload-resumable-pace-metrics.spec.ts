import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { call, eventually } from '@tp/testing';
import { RESUMABLE, startResumableStack, tusUpload, type ResumableStack } from './support/resumable-stack';
import { trickleUpload, type Trickle, type TrickleOptions } from './support/trickle-client';

const KB = 1024;
const TUS = { 'tus-resumable': '1.0.0' };
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('resumable uploads in uploads_total and under the minimum upload rate (through the edge, on moto)', () => {
  let stack: ResumableStack;
  let redis: Redis;
  const open: Trickle[] = [];

  beforeAll(async () => {
    // 1 KiB/s averaged over 1 s (production: 8 KiB/s over 30 s), so a test sees the cut quickly.
    stack = await startResumableStack({ env: { UPLOAD_MIN_BYTES_PER_SECOND: '1024', UPLOAD_MIN_RATE_WINDOW_MS: '1000' } });
    redis = new Redis(stack.stack.redisUrl, { maxRetriesPerRequest: 1 });
  }, 180_000);
  afterEach(() => open.splice(0).forEach((trickle) => trickle.stop()));
  afterAll(async () => {
    await redis?.quit();
    await stack?.stop();
  });

  const uploads = (labels: Record<string, string>) => stack.metricValue('uploads_total', { via: 'resumable', ...labels });
  const create = (length: number, token: string) =>
    call(`${stack.edgeUrl}${RESUMABLE}`, { method: 'POST', token, headers: { ...TUS, 'upload-length': String(length) } });
  const patch = (location: string, offset: number, body: Buffer, token: string) =>
    call(`${stack.edgeUrl}${location}`, {
      method: 'PATCH',
      token,
      headers: { ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
      body: body.toString('latin1'),
    });
  /** A tus body of 10 bytes of 'a' every 200 ms (50 B/s), chunked, never ending. */
  const trickle = (method: string, path: string, headers: Record<string, string>) => {
    const options: TrickleOptions = { url: stack.edgeUrl, path, method, partHeader: false, headers, chunkBytes: 10, intervalMs: 200 };
    const slow = trickleUpload(options);
    open.push(slow);
    return slow;
  };
  const tusBody = (token: string) => ({ authorization: `Bearer ${token}`, ...TUS, 'content-type': 'application/offset+octet-stream' });
  const head = (location: string, token: string) => call(`${stack.edgeUrl}${location}`, { method: 'HEAD', token, headers: TUS });
  /** Upload slots held now, over every owner of this stack. */
  const slotsHeld = async () => {
    const keys = await redis.keys(`upload-slots-test:${stack.stack.unique}:*`);
    const sizes = await Promise.all(keys.map((key) => redis.zcard(key)));
    return sizes.reduce((sum, size) => sum + size, 0);
  };
  const readyWith = async (id: string, token: string, digest: string, size: number) => {
    const status = () => call(`${stack.edgeUrl}/api/v1/upload/${id}`, { token });
    await eventually(async () => (await status()).body['status'] === 'ready', 60_000, 250);
    expect((await status()).body).toMatchObject({ id, status: 'ready', size, sha256: digest });
  };

  it('counts a finished resumable upload once as stored with its size, not once per PATCH', async () => {
    const file = Buffer.alloc(300 * KB, 0x72);
    const [stored, sizes, bytes, total] = await Promise.all([
      uploads({ tier: 'PREMIUM', outcome: 'stored' }),
      stack.metricValue('upload_size_bytes_count', { tier: 'PREMIUM' }),
      stack.metricValue('upload_size_bytes_sum', { tier: 'PREMIUM' }),
      stack.metricValue('uploads_total'),
    ]);

    const run = await tusUpload(stack, stack.tokens.premium, file, { chunkSize: 100 * KB });

    expect(run.patchOffsets).toHaveLength(3);
    expect(await uploads({ tier: 'PREMIUM', outcome: 'stored' })).toBe(stored + 1);
    expect(await stack.metricValue('uploads_total')).toBe(total + 1);
    expect(await stack.metricValue('upload_size_bytes_count', { tier: 'PREMIUM' })).toBe(sizes + 1);
    expect(await stack.metricValue('upload_size_bytes_sum', { tier: 'PREMIUM' })).toBe(bytes + file.length);
    expect(await stack.metricValue('uploads_total', { via: 'multipart' })).toBe(0);
  }, 60_000);

  it('counts a creation past the tier’s file limit as too_large, and a refused PATCH not at all', async () => {
    const tooLarge = await uploads({ tier: 'FREE', outcome: 'too_large' });
    expect((await create(20 * 1024 * KB, stack.tokens.free)).status).toBe(413);
    expect(await uploads({ tier: 'FREE', outcome: 'too_large' })).toBe(tooLarge + 1);

    const location = (await create(10 * KB, stack.tokens.free)).headers.get('location')!;
    const total = await stack.metricValue('uploads_total');
    // A wrong offset leaves the upload resumable: no outcome yet.
    expect((await patch(location, 5, Buffer.alloc(KB), stack.tokens.free)).status).toBe(409);
    expect(await stack.metricValue('uploads_total')).toBe(total);
  }, 60_000);

  it('cuts a PATCH slower than UPLOAD_MIN_BYTES_PER_SECOND with 408, frees its slot and lock, keeps its bytes, and the upload resumes', async () => {
    const length = 64 * KB;
    const created = await create(length, stack.tokens.free);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    const id = location.split('/').pop()!;
    expect((await patch(location, 0, Buffer.alloc(10 * KB, 0x72), stack.tokens.free)).status).toBe(204);
    const counted = await stack.metricValue('uploads_total');

    const outcome = await trickle('PATCH', location, { ...tusBody(stack.tokens.free), 'upload-offset': String(10 * KB) }).outcome;

    expect(outcome.status).toBe(408);
    expect(outcome.body).toMatchObject({ error: 'request_timeout', requestId: expect.any(String) });
    expect(outcome.elapsedMs).toBeLessThan(10_000);
    await eventually(async () => (await slotsHeld()) === 0, 5_000, 50);
    expect(await redis.exists(`tus-test:${stack.stack.unique}:lock:${id}`)).toBe(0);
    // The trickled bytes received before the cut are stored: HEAD says where to go on.
    const offset = Number((await head(location, stack.tokens.free)).headers.get('upload-offset'));
    expect(offset).toBeGreaterThan(10 * KB);
    expect(offset).toBeLessThanOrEqual(10 * KB + 10 * Math.ceil(outcome.elapsedMs / 200));
    expect(await stack.metricValue('uploads_total')).toBe(counted);

    const rest = Buffer.alloc(length - offset, 0x7a);
    const resumed = await patch(location, offset, rest, stack.tokens.free);
    expect(resumed.status).toBe(204);
    expect(resumed.headers.get('upload-offset')).toBe(String(length));
    const file = Buffer.concat([Buffer.alloc(10 * KB, 0x72), Buffer.alloc(offset - 10 * KB, 0x61), rest]);
    await readyWith(id, stack.tokens.free, sha256(file), length);
    expect(await uploads({ tier: 'FREE', outcome: 'stored' })).toBeGreaterThanOrEqual(1);
    expect(await stack.metricValue('uploads_total')).toBe(counted + 1);
  }, 90_000);

  it('cuts a creation-with-upload slower than the minimum rate with 408, counted as a refused creation, leaving nothing behind', async () => {
    const rejected = await uploads({ tier: 'FREE', outcome: 'rejected' });
    const before = await stack.bucketContents();

    const outcome = await trickle('POST', RESUMABLE, { ...tusBody(stack.tokens.free), 'upload-length': String(64 * KB) }).outcome;

    expect(outcome.status).toBe(408);
    expect(outcome.body).toMatchObject({ error: 'request_timeout', requestId: expect.any(String) });
    expect(await uploads({ tier: 'FREE', outcome: 'rejected' })).toBe(rejected + 1);
    await eventually(async () => (await slotsHeld()) === 0, 5_000, 50);
    // Its client never learned a Location: the upload is abandoned (reservation and objects).
    await eventually(async () => JSON.stringify(await stack.bucketContents()) === JSON.stringify(before), 10_000, 100);
  }, 60_000);
});

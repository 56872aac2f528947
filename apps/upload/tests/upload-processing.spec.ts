import { freePort, eventually } from '@tp/testing';
import { createLogger } from '@tp/logging';
import { sweepExpiredUploads } from '../src/worker/sweep-expired';
import { postMultipart } from './support/multipart-client';
import { MB, startUploadStack, type UploadStack } from './support/upload-stack';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('processing queue and worker', () => {
  let stack: UploadStack;
  beforeAll(async () => (stack = await startUploadStack()));
  afterAll(() => stack?.stop());

  const post = async (path: string, token?: string, filename = 'x.bin') => {
    const reply = await postMultipart(`${stack.edgeUrl}${path}`, [{ filename, size: 2000, head: PNG }], { token });
    expect(reply.status).toBe(201);
    return (reply.body['files'] as Array<{ id: string; token?: string }>)[0]!;
  };

  it('runs PREMIUM jobs before FREE and anonymous ones under a backlog', async () => {
    const anonymous = await post('/api/v1/upload/anonymous');
    const freeFile = await post('/api/v1/upload', stack.tokens.free);
    const premiumFile = await post('/api/v1/upload', stack.tokens.premium);
    const order: string[] = [];
    const worker = await stack.startWorker({ autorun: false, concurrency: 1 });
    worker.on('completed', (job) => order.push(job.data.uploadId));

    void worker.run();
    await eventually(async () => order.length === 3);
    await worker.close();

    expect(order).toEqual([premiumFile.id, freeFile.id, anonymous.id]);
  });

  it('moves an upload from queued to ready with the detected MIME type and a download URL', async () => {
    const file = await post('/api/v1/upload', stack.tokens.free, 'picture.png');
    const status = async () =>
      (await (await fetch(`${stack.edgeUrl}/api/v1/upload/${file.id}`, { headers: { authorization: `Bearer ${stack.tokens.free}` } })).json()) as Record<string, unknown>;
    expect(await status()).toMatchObject({ status: 'queued' });

    const worker = await stack.startWorker();
    await eventually(async () => (await status()).status === 'ready');
    await worker.close();

    const ready = (await status()) as Record<string, unknown>;
    expect(ready).toMatchObject({ id: file.id, name: 'picture.png', size: 2000, mime: 'image/png', downloadUrl: expect.any(String) });
    const download = await fetch(ready['downloadUrl'] as string);
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBe(2000);
    expect((await fetch(`${stack.edgeUrl}/api/v1/upload/${file.id}`, { headers: { authorization: `Bearer ${stack.tokens.premium}` } })).status).toBe(404);
  });

  it('marks an upload failed when the stored object no longer matches', async () => {
    const file = await post('/api/v1/upload', stack.tokens.free);
    await stack.db.database.pool.query(`UPDATE uploads SET sha256 = repeat('0', 64) WHERE id = $1`, [file.id]);

    const worker = await stack.startWorker();
    await eventually(async () => (await stack.uploads.findById(file.id))?.status === 'failed');
    await worker.close();

    expect((await stack.uploads.findById(file.id))?.failureReason).toBe('The stored file did not match the upload, please upload it again');
  });

  it('sweeps expired anonymous uploads: object and row', async () => {
    const file = await post('/api/v1/upload/anonymous');
    const row = await stack.uploads.findById(file.id);
    expect(await stack.storage.sizeOf(row!.objectKey)).toBe(2000);
    await stack.db.database.pool.query(`UPDATE uploads SET expires_at = now() - interval '1 minute' WHERE id = $1`, [file.id]);
    const kept = await post('/api/v1/upload/anonymous');

    const removed = await sweepExpiredUploads({
      uploads: stack.uploads,
      storage: stack.storage,
      clock: () => new Date(),
      logger: createLogger({ service: 'test', level: 'silent' }),
    });

    expect(removed).toBe(1);
    expect(await stack.uploads.findById(file.id)).toBeUndefined();
    expect(await stack.storage.sizeOf(row!.objectKey)).toBeUndefined();
    expect(await stack.uploads.findById(kept.id)).toBeDefined();
  });

  it('leaves no object and a failed row when the client disconnects mid-upload', async () => {
    const before = await stack.listKeys();
    const { rows: known } = await stack.db.database.pool.query<{ id: string }>('SELECT id FROM uploads');

    await postMultipart(`${stack.edgeUrl}/api/v1/upload`, [{ filename: 'cut.bin', size: 60 * MB }], { token: stack.tokens.premium, abortAfterBytes: 22 * MB });

    const fresh = async () =>
      (
        await stack.db.database.pool.query<{ status: string }>('SELECT status::text AS status FROM uploads WHERE id <> ALL($1::uuid[])', [
          known.map((row) => row.id),
        ])
      ).rows;
    await eventually(async () => (await fresh()).every((row) => row.status === 'failed') && (await fresh()).length === 1);
    expect(await stack.listKeys()).toEqual(before);
    // The service still answers afterwards.
    expect((await fetch(`${stack.edgeUrl}/health`)).status).toBe(200);
    await post('/api/v1/upload', stack.tokens.premium);
  });
});

describe('when S3 is down', () => {
  let stack: UploadStack;

  beforeAll(async () => {
    stack = await startUploadStack({ s3Endpoint: `http://127.0.0.1:${await freePort()}` });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 503 JSON and leaves only a failed row', async () => {
    const token = await stack.tokenFor('free@example.com');

    const reply = await postMultipart(`${stack.edgeUrl}/api/v1/upload`, [{ filename: 'a.bin', size: 6 * MB }], { token });

    expect(reply.status).toBe(503);
    expect(reply.body).toMatchObject({ error: 'service_unavailable', requestId: expect.any(String) });
    const { rows } = await stack.db.database.pool.query<{ status: string }>('SELECT status::text AS status FROM uploads');
    expect(rows).toEqual([{ status: 'failed' }]);
  });
});

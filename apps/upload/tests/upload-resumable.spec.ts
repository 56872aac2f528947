import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { uploads } from '@tp/db';
import { call, eventually } from '@tp/testing';
import { RESUMABLE, startResumableStack, tusUpload, type ResumableStack } from './support/resumable-stack';

const MB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const TUS = { 'tus-resumable': '1.0.0' };

describe('resumable uploads (tus 1.0) through the edge, on moto', () => {
  let stack: ResumableStack;

  beforeAll(async () => {
    stack = await startResumableStack();
  }, 120_000);
  afterAll(() => stack?.stop());

  const status = (id: string, token = stack.tokens.premium) => call(`${stack.edgeUrl}/api/v1/upload/${id}`, { token });
  /** Waits for the worker to check the finished file and mark it ready. */
  const readyWith = async (id: string, digest: string, size: number) => {
    await eventually(async () => (await status(id)).body['status'] === 'ready', 60_000, 250);
    expect((await status(id)).body).toMatchObject({ id, status: 'ready', size, sha256: digest, name: 'big.bin' });
  };
  const create = async (length: number, token = stack.tokens.premium) =>
    call(`${stack.edgeUrl}${RESUMABLE}`, { method: 'POST', token, headers: { ...TUS, 'upload-length': String(length) } });
  const patch = (location: string, offset: number, bytes: number) =>
    call(`${stack.edgeUrl}${location}`, {
      method: 'PATCH',
      token: stack.tokens.premium,
      headers: { ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
      body: 'r'.repeat(bytes),
    });
  const leftoversOf = async (id: string) => {
    const { objects, multipart } = await stack.bucketContents();
    return [...objects, ...multipart.map((key) => `multipart:${key}`)].filter((key) => key.includes(id));
  };

  it('resumes a 60 MB PREMIUM upload whose connection is cut twice mid-PATCH from HEAD’s offset, and it becomes ready with its SHA-256', async () => {
    const file = randomBytes(60 * MB);
    const cutsAt = [16 * MB, 40 * MB];
    let armed = 0;
    let cuts = 0;
    const run = await tusUpload(stack, stack.tokens.premium, file, {
      onPatch: (offset) => {
        if (armed >= cutsAt.length || offset < cutsAt[armed]!) return;
        armed += 1;
        // 4 MB into this PATCH's body, every open connection between the client and the edge dies.
        stack.client.afterBytes(4 * MB, () => {
          cuts += 1;
          stack.client.setMode('reset');
          stack.client.setMode('up');
        });
      },
    });
    expect(cuts).toBe(2);
    expect(run.retries).toBeGreaterThanOrEqual(2);
    expect(run.heads).toBeGreaterThanOrEqual(2);
    // After the cut the client went on from where the server was (HEAD's offset), never from zero again.
    expect(run.patchOffsets.length).toBeGreaterThan(60 / 8);
    expect(run.patchOffsets.slice(1).every((offset, index) => offset > 0 && offset >= run.patchOffsets[index]!)).toBe(true);
    await readyWith(run.id, sha256(file), file.length);
  }, 240_000);

  it('finishes an upload whose upload service process is killed mid-upload on a second replica', async () => {
    const file = randomBytes(60 * MB);
    let killedAt = 0;
    let armed = false;
    const run = await tusUpload(stack, stack.tokens.premium, file, {
      onPatch: (offset) => {
        if (offset < 16 * MB || armed) return;
        armed = true;
        // 4 MB into this PATCH's body at the replica, the replica dies; the edge's next connection reaches the other one.
        stack.front.afterBytes(4 * MB, () => {
          killedAt = Date.now();
          stack.replicas[0].child.kill('SIGKILL');
          stack.front.retarget(stack.replicas[1].port);
        });
      },
    });
    expect(killedAt).toBeGreaterThan(0);
    expect(run.retries).toBeGreaterThanOrEqual(1);
    // The dead replica's lock frees itself within its short TTL (renewed while alive), not after minutes,
    // and the edge closes the cut PATCH's connection so the client's HEAD is not read as its body.
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    await readyWith(run.id, sha256(file), file.length);
  }, 240_000);

  it('has the worker’s sweep finish an upload whose finish never queued it, and re-queue one whose job is gone', async () => {
    const file = randomBytes(12 * MB);
    const { id } = await tusUpload(stack, stack.tokens.premium, file);
    await readyWith(id, sha256(file), file.length);
    const longAgo = new Date(Date.now() - 120_000);
    const db = stack.stack.db.database.db;
    // A replica killed after the last byte was stored, before it measured and queued the file.
    await db.update(uploads).set({ status: 'uploading', sha256: null, size: null, updatedAt: longAgo }).where(eq(uploads.id, id));
    await readyWith(id, sha256(file), file.length);
    // Queued, but the job never reached the queue (its job id is taken by the finished one).
    await db.update(uploads).set({ status: 'queued', updatedAt: longAgo }).where(eq(uploads.id, id));
    await readyWith(id, sha256(file), file.length);
  }, 180_000);

  it('refuses a FREE 20 MB upload at creation with 413, before any byte', async () => {
    const before = await stack.bucketContents();
    const reply = await create(20 * MB, stack.tokens.free);
    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({ error: 'payload_too_large', requestId: expect.any(String), upgradeUrl: expect.any(String) });
    expect(await stack.bucketContents()).toEqual(before);
  });

  it('answers another user’s HEAD with 404, and the owner’s DELETE with 204 leaving no part or object behind', async () => {
    const created = await create(30 * MB);
    expect(created.status).toBe(201);
    expect(created.headers.get('upload-expires')).toEqual(expect.any(String));
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/api\/v1\/upload\/resumable\/[0-9a-f-]{36}$/);
    const id = location.split('/').pop()!;
    // The account storage quota holds the declared length from creation on.
    const [row] = await stack.stack.db.database.db.select().from(uploads).where(eq(uploads.id, id));
    expect(row).toMatchObject({ status: 'uploading', reservedBytes: 30 * MB, userId: expect.any(String) });

    // One full S3 part and a trailing piece: a multipart upload and side objects exist now.
    expect((await patch(location, 0, 9 * MB)).headers.get('upload-offset')).toBe(String(9 * MB));
    expect(await leftoversOf(id)).toEqual(expect.arrayContaining([`multipart:${id}`, `${id}.info`, `${id}.part`]));

    expect((await call(`${stack.edgeUrl}${location}`, { method: 'HEAD', token: stack.tokens.free, headers: TUS })).status).toBe(404);
    const head = await call(`${stack.edgeUrl}${location}`, { method: 'HEAD', token: stack.tokens.premium, headers: TUS });
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe(String(9 * MB));

    expect((await call(`${stack.edgeUrl}${location}`, { method: 'DELETE', token: stack.tokens.premium, headers: TUS })).status).toBe(204);
    await eventually(async () => (await leftoversOf(id)).length === 0, 10_000, 100);
    await eventually(async () => (await status(id)).status === 410 || (await status(id)).body['status'] === 'failed', 10_000, 100);
    expect((await call(`${stack.edgeUrl}${location}`, { method: 'HEAD', token: stack.tokens.premium, headers: TUS })).status).toBe(410);
  }, 120_000);

  it('refuses a PATCH past the declared Upload-Length with 413, keeping the offset', async () => {
    const location = (await create(10 * MB)).headers.get('location')!;
    expect((await patch(location, 0, 4 * MB)).status).toBe(204);
    expect((await patch(location, 4 * MB, 7 * MB)).status).toBe(413);
    const head = await call(`${stack.edgeUrl}${location}`, { method: 'HEAD', token: stack.tokens.premium, headers: TUS });
    expect(head.headers.get('upload-offset')).toBe(String(4 * MB));
  }, 60_000);

  it('expires an unfinished upload: its parts and objects go, and later requests get 410', async () => {
    const created = await create(30 * MB);
    const location = created.headers.get('location')!;
    const id = location.split('/').pop()!;
    await patch(location, 0, 9 * MB);
    expect((await leftoversOf(id)).length).toBeGreaterThan(0);
    // UPLOAD_RESUMABLE_TTL_HOURS has passed (the worker sweeps every second here).
    await stack.stack.db.database.db.update(uploads).set({ resumableExpiresAt: new Date(Date.now() - 1000) }).where(eq(uploads.id, id));

    await eventually(async () => (await leftoversOf(id)).length === 0, 20_000, 250);
    expect((await call(`${stack.edgeUrl}${location}`, { method: 'HEAD', token: stack.tokens.premium, headers: TUS })).status).toBe(410);
    expect((await patch(location, 9 * MB, MB)).status).toBe(410);
    expect((await status(id)).status).toBe(410);
  }, 120_000);

  it('answers tus discovery (OPTIONS) without a token', async () => {
    const reply = await fetch(`${stack.edgeUrl}${RESUMABLE}`, { method: 'OPTIONS' });
    expect(reply.status).toBe(204);
    expect(reply.headers.get('tus-version')).toBe('1.0.0');
    expect(reply.headers.get('tus-extension')).toBe('creation,creation-with-upload,termination,expiration');
    expect(Number(reply.headers.get('tus-max-size'))).toBe(200 * MB);
  });
});

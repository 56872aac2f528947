import { eventually } from '@tp/testing';
import { multipartLength, postMultipart, type FilePart } from './support/multipart-client';
import { answerBeforeBody } from './support/headers-first-client';
import { MB, startUploadStack, type UploadStack } from './support/upload-stack';

const KB = 1024;
const FREE_FILES = 3;
const FREE_STORED = 2 * MB;
const FREE_WINDOW_BYTES = 3 * MB;
const PREMIUM_STORED = 2 * MB;
const PREMIUM_FILES = 4;

describe('storage per account, by tier (through the edge)', () => {
  let stack: UploadStack;

  beforeAll(async () => {
    // The product's limits are 200 files / 1 GB / 3 GB (FREE): small configured numbers keep this fast.
    stack = await startUploadStack({
      env: {
        TIER_FREE_WINDOW_FILES: String(FREE_FILES),
        TIER_FREE_STORED_BYTES: String(FREE_STORED),
        TIER_FREE_WINDOW_BYTES: String(FREE_WINDOW_BYTES),
        TIER_PREMIUM_STORED_BYTES: String(PREMIUM_STORED),
        TIER_PREMIUM_WINDOW_FILES: String(PREMIUM_FILES),
      },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const query = async <T extends object>(sql: string, params: unknown[] = []) => (await stack.db.database.pool.query<T & Record<string, unknown>>(sql, params)).rows;
  // Each test starts from an empty account (its rows are the quota's counters).
  beforeEach(async () => {
    await query(`DELETE FROM uploads WHERE user_id IN (SELECT id FROM users WHERE email IN ('free@example.com', 'premium@example.com'))`);
  });

  const upload = (token: string, parts: FilePart[]) => postMultipart(`${stack.edgeUrl}/api/v1/upload`, parts, { token });
  const refusedEarly = (token: string, parts: FilePart[]) => answerBeforeBody(`${stack.edgeUrl}/api/v1/upload`, parts, { token });
  async function snapshot() {
    const rows = await query<{ n: string }>(`SELECT count(*) AS n FROM uploads WHERE status <> 'failed'`);
    return { keys: (await stack.listKeys()).sort(), liveRows: Number(rows[0]!.n) };
  }

  function expectQuotaRefusal(answer: { status: number; headers: Record<string, unknown>; body: Record<string, unknown> }, quota: string) {
    expect(answer.status).toBe(429);
    expect(answer.body).toMatchObject({ error: 'too_many_requests', message: expect.any(String), requestId: expect.any(String), details: { quota } });
    const retryAfter = Number(answer.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter > 0).toBe(true);
    return retryAfter;
  }

  it('answers a FREE account’s file past its files per 24 h with 429 details.quota `files` before a byte of the file was sent', async () => {
    for (let n = 1; n <= FREE_FILES; n += 1) expect((await upload(stack.tokens.free, [{ filename: `f${n}.txt`, size: 100 }])).status).toBe(201);
    const before = await snapshot();

    const answer = await refusedEarly(stack.tokens.free, [{ filename: 'one-too-many.bin', size: 64 * KB }]);

    // One byte of the first boundary: not one byte of the file had been sent when the 429 came.
    expect(answer.sentBeforeAnswer).toBe(1);
    const retryAfter = expectQuotaRefusal(answer, 'files');
    expect(answer.body).toMatchObject({ upgradeUrl: '/pricing', details: { limit: FREE_FILES, used: FREE_FILES, tier: 'FREE' } });
    // The oldest of the three leaves the 24 h window in just under 24 h.
    expect(retryAfter).toBeGreaterThan(23 * 3600);
    expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
    expect(await snapshot()).toEqual(before);
  });

  it('answers the FREE file that would pass the bytes stored at once with 429 `stored` before a byte of it was sent, and takes one that fits', async () => {
    expect((await upload(stack.tokens.free, [{ filename: 'big.bin', size: 1.5 * MB }])).status).toBe(201);
    const before = await snapshot();

    const answer = await refusedEarly(stack.tokens.free, [{ filename: 'too-much.bin', size: 600 * KB }]);

    expect(answer.sentBeforeAnswer).toBe(1);
    const retryAfter = expectQuotaRefusal(answer, 'stored');
    expect(answer.body['details']).toMatchObject({ limit: FREE_STORED, used: 1.5 * MB, tier: 'FREE' });
    // Room comes back when big.bin expires (FREE retention: 24 h).
    expect(retryAfter).toBeGreaterThan(23 * 3600);
    expect(await snapshot()).toEqual(before);
    expect((await upload(stack.tokens.free, [{ filename: 'fits.bin', size: 400 * KB }])).status).toBe(201);
  });

  it('answers 429 `bytes` once the 24 h bytes would pass, even while expired files left room in storage', async () => {
    expect((await upload(stack.tokens.free, [{ filename: 'a.bin', size: 1.5 * MB }])).status).toBe(201);
    // Expired (not yet swept): no longer stored, still uploaded within the window.
    await query(`UPDATE uploads SET expires_at = now() - interval '1 minute' WHERE name = 'a.bin'`);
    expect((await upload(stack.tokens.free, [{ filename: 'b.bin', size: 1200 * KB }])).status).toBe(201);

    const answer = await refusedEarly(stack.tokens.free, [{ filename: 'c.bin', size: 400 * KB }]);

    expect(answer.sentBeforeAnswer).toBe(1);
    expectQuotaRefusal(answer, 'bytes');
    expect(answer.body['details']).toMatchObject({ limit: FREE_WINDOW_BYTES, used: 1.5 * MB + 1200 * KB });
  });

  it('never lets concurrent uploads of one account overshoot its storage', async () => {
    // Two fit in 2 MB, a third does not: four race for the same account (PREMIUM's four upload slots, so only storage refuses).
    const replies = await Promise.all(Array.from({ length: 4 }, (_, n) => upload(stack.tokens.premium, [{ filename: `race${n}.bin`, size: 800 * KB }])));

    expect(replies.map((reply) => reply.status).sort()).toEqual([201, 201, 429, 429]);
    for (const refused of replies.filter((reply) => reply.status === 429)) expect(refused.body['details']).toMatchObject({ quota: 'stored' });
    const rows = await query<{ n: string; bytes: string }>(
      `SELECT count(*) AS n, sum(size) AS bytes FROM uploads WHERE status <> 'failed' AND user_id = (SELECT id FROM users WHERE email = 'premium@example.com')`,
    );
    expect(rows[0]).toEqual({ n: '2', bytes: String(2 * 800 * KB) });
  });

  it('releases the reservation of an upload cut off mid-file, so it holds nothing', async () => {
    const cut = await postMultipart(`${stack.edgeUrl}/api/v1/upload`, [{ filename: 'cut.bin', size: 1.5 * MB }], {
      token: stack.tokens.premium,
      abortAfterBytes: 512 * KB,
    });
    expect(cut.status).toBe(0);
    const status = async () => (await query<{ status: string }>(`SELECT status::text AS status FROM uploads WHERE name = 'cut.bin'`))[0]?.status;
    await eventually(async () => (await status()) === 'failed');

    expect((await upload(stack.tokens.premium, [{ filename: 'whole.bin', size: 1.5 * MB }])).status).toBe(201);
  });

  it('checks each file of a PREMIUM batch before reading it: the one past the files quota refuses the batch, none of it is kept', async () => {
    for (const name of ['p1.txt', 'p2.txt']) expect((await upload(stack.tokens.premium, [{ filename: name, size: 10 }])).status).toBe(201);
    const before = await snapshot();
    const batch = [1, 2, 3].map((n) => ({ field: 'files', filename: `batch${n}.bin`, size: 100 * KB }));

    const reply = await upload(stack.tokens.premium, batch);

    expectQuotaRefusal(reply, 'files');
    expect(reply.body['details']).toMatchObject({ limit: PREMIUM_FILES, used: PREMIUM_FILES, tier: 'PREMIUM' });
    // The first two were stored before the third was refused: they are removed (after the answer).
    await eventually(async () => JSON.stringify(await snapshot()) === JSON.stringify(before));
  });

  it('takes a PREMIUM batch that fits the storage exactly: each next file reserves only what the body has left', async () => {
    const overhead = multipartLength([1, 2].map((n) => ({ field: 'files', filename: `fit${n}.bin`, size: 0 })));
    const size = Math.floor((PREMIUM_STORED - overhead) / 2);

    const reply = await upload(stack.tokens.premium, [1, 2].map((n) => ({ field: 'files', filename: `fit${n}.bin`, size })));

    expect(reply.status).toBe(201);
  });

  it('holds a stored file at its size, not at the (larger) reservation it streamed under', async () => {
    // Chunked: reserved at the 200 MB file limit... which PREMIUM_STORED (2 MB) cannot hold: refused.
    const chunked = await postMultipart(`${stack.edgeUrl}/api/v1/upload`, [{ filename: 'chunked.bin', size: 10 }], { token: stack.tokens.premium, chunked: true });
    expectQuotaRefusal(chunked, 'stored');
    // Declared: reserved at its whole body's length (part headers included), then held at its size.
    expect((await upload(stack.tokens.premium, [{ filename: 'first.bin', size: 1 * MB }])).status).toBe(201);
    const rows = await query<{ size: string; reserved: string }>(`SELECT size, reserved_bytes AS reserved FROM uploads WHERE name = 'first.bin'`);
    expect(Number(rows[0]!.reserved)).toBeGreaterThan(Number(rows[0]!.size));
    // Exactly the rest of the 2 MB, multipart framing included: it fits only if first.bin holds its size.
    const framing = multipartLength([{ filename: 'rest.bin', size: 0 }]);
    expect((await upload(stack.tokens.premium, [{ filename: 'rest.bin', size: PREMIUM_STORED - 1 * MB - framing }])).status).toBe(201);
  });

  it('documents the 429 with details.quota and Retry-After on both upload routes, and 410 on the status reads', async () => {
    type Operation = { responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }> };
    const { paths } = (await (await fetch(`${stack.serviceUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };

    for (const path of ['/api/v1/upload', '/api/v1/upload/anonymous']) {
      const refusal = paths[path]!['post']!.responses['429']!;
      expect(refusal.headers).toHaveProperty('Retry-After');
      expect(JSON.stringify(refusal.content!['application/json']!.schema)).toContain('"quota"');
      expect(JSON.stringify(refusal.content!['application/json']!.schema)).toContain('"stored"');
    }
    for (const path of ['/api/v1/upload/{id}', '/api/v1/upload/anonymous/{id}']) expect(paths[path]!['get']!.responses).toHaveProperty('410');
  });
});

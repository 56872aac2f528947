import { request } from 'node:http';
import { MULTIPART_CONTENT_TYPE, multipartBody, multipartLength, postMultipart, type FilePart } from './support/multipart-client';
import { eventually } from '@tp/testing';
import { MB, startUploadStack, type UploadStack } from './support/upload-stack';

const KB = 1024;
const BYTE_QUOTA = 2 * MB;
const STORAGE_CAP = 8 * MB;

describe('anonymous upload quotas (through the edge)', () => {
  let stack: UploadStack;

  beforeAll(async () => {
    // Default file quota (50 per 24 h); small byte quota and storage cap so a test can reach them.
    stack = await startUploadStack({ env: { ANONYMOUS_QUOTA_BYTES: String(BYTE_QUOTA), ANONYMOUS_STORAGE_CAP_BYTES: String(STORAGE_CAP) } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** Another loopback address is another client IP to the edge and the upload service. */
  const anonymous = (ip: string, size: number, filename = 'a.bin') =>
    postMultipart(`${stack.edgeUrl}/api/v1/upload/anonymous`, [{ filename, size }], { localAddress: ip });

  async function snapshot() {
    const { rows } = await stack.db.database.pool.query<{ n: string }>(`SELECT count(*) AS n FROM uploads WHERE status <> 'failed'`);
    return { keys: (await stack.listKeys()).sort(), liveRows: Number(rows[0]!.n) };
  }

  const storedAnonymousBytes = async () => {
    const { rows } = await stack.db.database.pool.query<{ bytes: string }>(
      `SELECT coalesce(sum(coalesce(size, reserved_bytes)), 0) AS bytes FROM uploads WHERE tier = 'ANONYMOUS' AND status <> 'failed'`,
    );
    return Number(rows[0]!.bytes);
  };

  function expectQuotaRefusal(reply: Awaited<ReturnType<typeof anonymous>>, quota: string) {
    expect(reply.status).toBe(429);
    expect(reply.body).toMatchObject({ error: 'too_many_requests', message: expect.any(String), requestId: expect.any(String), details: { quota } });
    const retryAfter = Number(reply.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
    return retryAfter;
  }

  it('answers the 51st anonymous upload from one IP in 24 h with 429 and Retry-After, and stores nothing', async () => {
    for (let n = 1; n <= 50; n += 1) expect((await anonymous('127.0.0.2', 100)).status).toBe(201);
    const before = await snapshot();

    const reply = await anonymous('127.0.0.2', 100);

    const retryAfter = expectQuotaRefusal(reply, 'files');
    expect(reply.body['details']).toMatchObject({ limit: 50 });
    // The oldest of the 50 leaves the window in just under 24 h.
    expect(retryAfter).toBeGreaterThan(23 * 3600);
    expect(await snapshot()).toEqual(before);
    // 51 uploads one after another: give a loaded machine time, this is no speed test.
  }, 120_000);

  it('leaves a signed-in user and other clients unaffected by that IP reaching its quota', async () => {
    const signedIn = await postMultipart(`${stack.edgeUrl}/api/v1/upload`, [{ filename: 'mine.txt', size: 100 }], {
      token: stack.tokens.free,
      localAddress: '127.0.0.2',
    });
    expect(signedIn.status).toBe(201);
    expect((await anonymous('127.0.0.3', 100)).status).toBe(201);
  });

  it('answers 429 once the IP would pass its byte quota, and still takes a file that fits', async () => {
    expect((await anonymous('127.0.0.4', 1.5 * MB)).status).toBe(201);
    const before = await snapshot();

    expectQuotaRefusal(await anonymous('127.0.0.4', 1 * MB), 'bytes');
    expect(await snapshot()).toEqual(before);

    expect((await anonymous('127.0.0.4', 400 * KB)).status).toBe(201);
  });

  it('never lets concurrent uploads from one IP overshoot the byte quota', async () => {
    // Three fit in 2 MB, a fourth does not: pairs race for the same quota (two at once: a client's upload slots).
    const replies: Array<Awaited<ReturnType<typeof anonymous>>> = [];
    for (let wave = 0; wave < 3; wave += 1) replies.push(...(await Promise.all([anonymous('127.0.0.5', 600 * KB), anonymous('127.0.0.5', 600 * KB)])));

    expect(replies.map((reply) => reply.status).sort()).toEqual([201, 201, 201, 429, 429, 429]);
    for (const refused of replies.filter((reply) => reply.status === 429)) expect(refused.body).toMatchObject({ details: { quota: 'bytes' } });
    const { rows } = await stack.db.database.pool.query<{ n: string; bytes: string }>(
      `SELECT count(*) AS n, sum(size) AS bytes FROM uploads WHERE status <> 'failed' AND ip_hash = (
         SELECT ip_hash FROM uploads WHERE id = $1)`,
      [(replies.find((reply) => reply.status === 201)!.body['files'] as Array<{ id: string }>)[0]!.id],
    );
    expect(rows[0]).toEqual({ n: '3', bytes: String(3 * 600 * KB) });
  });

  it('releases the reservation of an upload that was cut off, so it does not count', async () => {
    // Half a file, held open until the upload service is streaming it, then the client goes away.
    const parts: FilePart[] = [{ filename: 'cut.bin', size: 1.5 * MB }];
    const req = request(`${stack.edgeUrl}/api/v1/upload/anonymous`, {
      method: 'POST',
      agent: false,
      localAddress: '127.0.0.6',
      headers: { 'content-type': MULTIPART_CONTENT_TYPE, 'content-length': String(multipartLength(parts)) },
    });
    req.on('error', () => undefined);
    const { stream } = multipartBody(parts);
    let sent = 0;
    for await (const chunk of stream) {
      req.write(chunk as Buffer);
      sent += (chunk as Buffer).length;
      if (sent >= 768 * KB) break;
    }
    const rowStatus = async () =>
      (await stack.db.database.pool.query<{ status: string }>(`SELECT status::text AS status FROM uploads WHERE name = 'cut.bin'`)).rows[0]?.status;
    await eventually(async () => (await rowStatus()) === 'uploading');
    req.destroy();
    await eventually(async () => (await rowStatus()) === 'failed');

    expect((await anonymous('127.0.0.6', 1.5 * MB)).status).toBe(201);
  });

  it('answers 429 to every anonymous client while all anonymous uploads together would pass the storage cap', async () => {
    const size = 1.5 * MB;
    const accepted: number[] = [];
    let refused: Awaited<ReturnType<typeof anonymous>> | undefined;
    for (let client = 10; client < 30 && !refused; client += 1) {
      const reply = await anonymous(`127.0.1.${client}`, size);
      if (reply.status === 201) accepted.push(client);
      else refused = reply;
    }

    expect(accepted.length).toBeGreaterThan(0);
    expectQuotaRefusal(refused!, 'storage');
    const stored = await storedAnonymousBytes();
    expect(stored).toBeLessThanOrEqual(STORAGE_CAP);
    expect(stored + size).toBeGreaterThan(STORAGE_CAP);
    // A small file from a fresh client still fits; signed-in users are not capped at all.
    expect((await anonymous('127.0.1.200', 10)).status).toBe(STORAGE_CAP - stored >= 10 + 1024 ? 201 : 429);
    const signedIn = await postMultipart(`${stack.edgeUrl}/api/v1/upload`, [{ filename: 'big.bin', size: 5 * MB }], { token: stack.tokens.free });
    expect(signedIn.status).toBe(201);
  });
});

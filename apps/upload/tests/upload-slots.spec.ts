import { eventually } from '@tp/testing';
import { postMultipart } from './support/multipart-client';
import { startUploadStack, type UploadStack } from './support/upload-stack';
import { trickleUpload, type Trickle } from './support/trickle-client';

describe('upload slots and the minimum upload rate (through the edge)', () => {
  let stack: UploadStack;
  const open: Trickle[] = [];

  beforeAll(async () => {
    // 1 KiB/s averaged over 1 s (production: 8 KiB/s over 30 s), so a test sees the cut quickly.
    stack = await startUploadStack({ env: { UPLOAD_MIN_BYTES_PER_SECOND: '1024', UPLOAD_MIN_RATE_WINDOW_MS: '1000' } });
  }, 60_000);
  /** Uploads streaming now (a row `uploading`: their slot is held, their file part has begun). */
  const streaming = async () =>
    Number((await stack.db.database.pool.query<{ n: string }>(`SELECT count(*) AS n FROM uploads WHERE status = 'uploading'`)).rows[0]!.n);
  afterEach(async () => {
    open.splice(0).forEach((trickle) => trickle.stop());
    await eventually(async () => (await streaming()) === 0);
  });
  afterAll(() => stack?.stop());

  /** An upload kept running at 10 KiB/s (above the minimum) until stopped. */
  const running = (token?: string, localAddress?: string) => {
    const trickle = trickleUpload({
      url: stack.edgeUrl,
      path: token ? '/api/v1/upload' : '/api/v1/upload/anonymous',
      headers: token ? { authorization: `Bearer ${token}` } : {},
      chunkBytes: 1024,
      intervalMs: 100,
      localAddress,
    });
    open.push(trickle);
    return trickle;
  };
  const small = (token?: string, localAddress?: string) =>
    postMultipart(`${stack.edgeUrl}${token ? '/api/v1/upload' : '/api/v1/upload/anonymous'}`, [{ filename: 'a.txt', size: 100 }], { token, localAddress });
  const settle = (count = 2) => eventually(async () => (await streaming()) === count);

  it('answers a FREE account’s third upload in flight with 429 and Retry-After, before its body is read', async () => {
    running(stack.tokens.free);
    running(stack.tokens.free);
    await settle();

    const third = await small(stack.tokens.free);

    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ error: 'too_many_requests', requestId: expect.any(String), details: { quota: 'concurrent', limit: 2 } });
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('frees a slot when an upload ends, however it ends (here: the client goes away)', async () => {
    const first = running(stack.tokens.free);
    running(stack.tokens.free);
    await settle();
    expect((await small(stack.tokens.free)).status).toBe(429);

    first.stop();

    await eventually(async () => (await small(stack.tokens.free)).status === 201);
  });

  it('gives PREMIUM four uploads in flight', async () => {
    for (let n = 0; n < 4; n += 1) running(stack.tokens.premium);
    await settle(4);
    expect((await small(stack.tokens.premium)).status).toBe(429);
    // Another account is not affected.
    expect((await small(stack.tokens.free)).status).toBe(201);
  });

  it('counts anonymous uploads per client: two in flight from one IP, another IP unaffected', async () => {
    running(undefined, '127.0.0.21');
    running(undefined, '127.0.0.21');
    await settle();
    expect((await small(undefined, '127.0.0.21')).status).toBe(429);
    expect((await small(undefined, '127.0.0.22')).status).toBe(201);
  });

  it('cuts an upload slower than UPLOAD_MIN_BYTES_PER_SECOND with 408 and frees its slot', async () => {
    const slow = trickleUpload({ url: stack.edgeUrl, path: '/api/v1/upload', headers: { authorization: `Bearer ${stack.tokens.free}` }, chunkBytes: 10, intervalMs: 200 });
    open.push(slow);
    running(stack.tokens.free);

    const outcome = await slow.outcome;

    expect(outcome.status).toBe(408);
    expect(outcome.body).toMatchObject({ error: 'request_timeout', requestId: expect.any(String) });
    // Well before the edge's 30 s idle limit: the client did send, just too little.
    expect(outcome.elapsedMs).toBeLessThan(10_000);
    await eventually(async () => (await small(stack.tokens.free)).status === 201);
  });

  it('cuts a chunked anonymous body past the FREE request size with 413, bytes the form never uses included', async () => {
    // No delimiter ever: all preamble, which busboy reads and drops without end.
    const flood = trickleUpload({ url: stack.edgeUrl, path: '/api/v1/upload/anonymous', chunkBytes: 256 * 1024, intervalMs: 1, partHeader: false });
    open.push(flood);

    const outcome = await flood.outcome;

    expect(outcome.status).toBe(413);
    expect(outcome.body).toMatchObject({ error: 'payload_too_large', requestId: expect.any(String) });
  }, 60_000);
});

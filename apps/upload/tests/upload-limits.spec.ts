import { createHash } from 'node:crypto';
import { UUID } from '@tp/testing';
import { postMultipart } from './support/multipart-client';
import { MB, startUploadStack, type UploadStack } from './support/upload-stack';

const PDF = Buffer.from('%PDF-1.7\n%test\n');

describe('POST /api/v1/upload (through the edge)', () => {
  let stack: UploadStack;
  beforeAll(async () => (stack = await startUploadStack()));
  afterAll(() => stack?.stop());

  const upload = `/api/v1/upload`;

  async function storedSha256(key: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of await stack.storage.read(key)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  async function rowsFor(id: string) {
    const { rows } = await stack.db.database.pool.query<{ object_key: string; status: string; size: string | null; sha256: string | null }>(
      'SELECT object_key, status::text AS status, size, sha256 FROM uploads WHERE id = $1',
      [id],
    );
    return rows;
  }

  it('stores a 14 MB file for a FREE user and answers 201 with its facts', async () => {
    const reply = await postMultipart(`${stack.edgeUrl}${upload}`, [{ filename: 'report.pdf', size: 14 * MB, head: PDF }], { token: stack.tokens.free });

    expect(reply.status).toBe(201);
    const files = reply.body['files'] as Array<Record<string, unknown>>;
    expect(files).toEqual([
      { id: expect.stringMatching(UUID), name: 'report.pdf', size: 14 * MB, sha256: reply.sha256s[0], mime: 'application/pdf', status: 'queued' },
    ]);
    const [row] = await rowsFor(files[0]!['id'] as string);
    expect(row).toMatchObject({ status: 'queued', size: String(14 * MB), sha256: reply.sha256s[0] });
    expect(await stack.storage.sizeOf(row!.object_key)).toBe(14 * MB);
  });

  it('refuses a FREE 16 MB upload with 413 before reading it when Content-Length says so', async () => {
    const before = await stack.listKeys();

    const reply = await postMultipart(`${stack.edgeUrl}${upload}`, [{ filename: 'big.bin', size: 16 * MB }], { token: stack.tokens.free });

    expect(reply.status).toBe(413);
    expect(reply.body).toEqual({
      error: 'payload_too_large',
      message: expect.any(String),
      requestId: expect.any(String),
      upgradeUrl: '/pricing',
      details: { limit: 15 * MB, tier: 'FREE' },
    });
    expect(await stack.listKeys()).toEqual(before);
  });

  it('stops a chunked FREE upload at the first byte past 15 MB and stores nothing', async () => {
    const before = await stack.listKeys();
    const { rows: rowsBefore } = await stack.db.database.pool.query('SELECT id FROM uploads');

    const reply = await postMultipart(`${stack.edgeUrl}${upload}`, [{ filename: 'big.bin', size: 16 * MB }], { token: stack.tokens.free, chunked: true });

    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({ error: 'payload_too_large', upgradeUrl: '/pricing', details: { limit: 15 * MB, tier: 'FREE' } });
    expect(await stack.listKeys()).toEqual(before);
    const { rows } = await stack.db.database.pool.query<{ status: string; size: string | null }>(
      `SELECT status::text AS status, size FROM uploads WHERE id <> ALL($1::uuid[])`,
      [rowsBefore.map((row: { id: string }) => row.id)],
    );
    expect(rows).toEqual([{ status: 'failed', size: null }]);
  });

  it('accepts exactly 15 MB for a FREE user', async () => {
    const reply = await postMultipart(`${stack.edgeUrl}${upload}`, [{ filename: 'edge.bin', size: 15 * MB }], { token: stack.tokens.free, chunked: true });

    expect(reply.status).toBe(201);
  });

  it('streams a 150 MB PREMIUM upload into S3 with matching size and SHA-256', async () => {
    const reply = await postMultipart(`${stack.edgeUrl}${upload}`, [{ filename: 'video.mp4', size: 150 * MB }], { token: stack.tokens.premium });

    expect(reply.status).toBe(201);
    const file = (reply.body['files'] as Array<Record<string, unknown>>)[0]!;
    expect(file).toMatchObject({ size: 150 * MB, sha256: reply.sha256s[0] });
    const [row] = await rowsFor(file['id'] as string);
    expect(await stack.storage.sizeOf(row!.object_key)).toBe(150 * MB);
    expect(await storedSha256(row!.object_key)).toBe(reply.sha256s[0]);
  }, 120_000);

  it('answers 401 without a token', async () => {
    const reply = await postMultipart(`${stack.edgeUrl}${upload}`, [{ filename: 'a.txt', size: 10 }]);

    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ error: 'unauthorized' });
  });
});

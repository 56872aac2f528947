import { startTestStack, type TestStack } from '@tp/testing';
import { multipartLength, postMultipart } from './support/multipart-client';

const KB = 1024;
const STORED = 1024 * KB;
const FILES = 4;
const WINDOW_BYTES = 10 * 1024 * KB;

interface Quota {
  limit: number;
  used: number;
  remaining: number;
}
type Storage = { windowHours: number; retentionHours: number; stored: Quota; files: Quota; bytes: Quota };

// Everything real: the edge, the user and the upload service as their own processes, one database.
describe('storage usage: GET /user/limits and the upload service agree (through the edge)', () => {
  let stack: TestStack<'user' | 'upload'>;
  let edgeUrl: string;
  let token: string;

  beforeAll(async () => {
    // Both services read the same TIER_* numbers (compose and k8s give them the same env).
    const limits = { TIER_FREE_STORED_BYTES: String(STORED), TIER_FREE_WINDOW_FILES: String(FILES), TIER_FREE_WINDOW_BYTES: String(WINDOW_BYTES) };
    stack = await startTestStack({ services: ['user', 'upload'], env: { LOG_LEVEL: 'warn', ...limits }, edge: { LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '10000' } });
    edgeUrl = stack.edge!.url;
    token = await stack.tokenFor('free@example.com');
  }, 120_000);
  afterAll(() => stack?.stop());

  async function storage(): Promise<Storage> {
    const response = await fetch(`${edgeUrl}/api/v1/user/limits`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { storage: Storage }).storage;
  }
  const upload = (filename: string, size: number) => postMultipart(`${edgeUrl}/api/v1/upload`, [{ filename, size }], { token });
  /** The file size whose whole multipart body is exactly `bodyBytes` (what the upload reserves). */
  const sizeForBody = (filename: string, bodyBytes: number) => bodyBytes - multipartLength([{ filename, size: 0 }]);

  it('shows a fresh FREE account its limits with nothing used', async () => {
    expect(await storage()).toEqual({
      windowHours: 24,
      retentionHours: 24,
      stored: { limit: STORED, used: 0, remaining: STORED },
      files: { limit: FILES, used: 0, remaining: FILES },
      bytes: { limit: WINDOW_BYTES, used: 0, remaining: WINDOW_BYTES },
    });
  });

  it('counts each stored file at its size, and takes a file exactly as large as `remaining` says, not a byte more', async () => {
    expect((await upload('first.bin', 300 * KB)).status).toBe(201);
    const after = await storage();
    expect(after).toMatchObject({ stored: { used: 300 * KB, remaining: STORED - 300 * KB }, files: { used: 1, remaining: FILES - 1 }, bytes: { used: 300 * KB } });

    // One byte more than `remaining` is refused, with the same usage the limits showed.
    const tooBig = await upload('over.bin', sizeForBody('over.bin', after.stored.remaining + 1));
    expect(tooBig.status).toBe(429);
    expect(tooBig.body['details']).toMatchObject({ quota: 'stored', limit: STORED, used: after.stored.used });
    expect(await storage()).toEqual(after);

    const exact = sizeForBody('exact.bin', after.stored.remaining);
    expect((await upload('exact.bin', exact)).status).toBe(201);
    expect((await storage()).stored).toEqual({ limit: STORED, used: 300 * KB + exact, remaining: STORED - 300 * KB - exact });
  });

  it('refuses the file past the files quota once `remaining` says 0', async () => {
    // Make room in storage (the files expire as if their retention had passed); they still count for the window.
    await stack.db.database.pool.query(`UPDATE uploads SET expires_at = now() - interval '1 second'`);
    while ((await storage()).files.remaining > 0) expect((await upload('more.txt', 10)).status).toBe(201);
    const full = await storage();
    expect(full.files).toEqual({ limit: FILES, used: FILES, remaining: 0 });

    const refused = await upload('one-more.txt', 10);

    expect(refused.status).toBe(429);
    expect(refused.body['details']).toMatchObject({ quota: 'files', limit: FILES, used: full.files.used });
  });
});

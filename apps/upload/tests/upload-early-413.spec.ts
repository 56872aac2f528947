import { MB, startUploadStack, type UploadStack } from './support/upload-stack';
import { streamUntilAnswered } from './support/streaming-client';

const LIMIT = 15 * MB;

describe('early 413 for a FREE upload past its limit (through the edge)', () => {
  let stack: UploadStack;

  beforeAll(async () => {
    stack = await startUploadStack({ edgeEnv: { LOG_LEVEL: 'info' } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const edgeLogLines = () =>
    stack.edge
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('answers a chunked 100 MB upload with 413 JSON before the client sent 3× the limit, then closes', async () => {
    const before = await stack.listKeys();

    const answer = await streamUntilAnswered(`${stack.edgeUrl}/api/v1/upload`, [{ filename: 'huge.bin', size: 100 * MB }], {
      authorization: `Bearer ${stack.tokens.free}`,
    });

    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ error: 'payload_too_large', requestId: expect.any(String), details: { limit: LIMIT, tier: 'FREE' } });
    expect(answer.sentBeforeAnswer).toBeGreaterThan(LIMIT);
    expect(answer.sentBeforeAnswer).toBeLessThan(3 * LIMIT);
    expect(answer.headers['connection']).toBe('close');
    await answer.closed;
    expect(await stack.listKeys()).toEqual(before);
    const { rows } = await stack.db.database.pool.query<{ status: string }>(`SELECT status::text AS status FROM uploads WHERE name = 'huge.bin'`);
    expect(rows).toEqual([{ status: 'failed' }]);
    // The edge logged the answer it passed on, not a 502 for the upstream closing early.
    const requestId = answer.headers['x-request-id'];
    const lines = edgeLogLines().filter((line) => line['requestId'] === requestId);
    expect(lines).toEqual([expect.objectContaining({ msg: 'Request completed', statusCode: 413 })]);
    process.stdout.write(`early 413: ${answer.sentBeforeAnswer} bytes sent before the answer (limit ${LIMIT})\n`);
  });

  it('answers a real FormData client (fetch) sending 60 MB with the 413 JSON, not a reset', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(60 * MB)]), 'big.bin');

    const response = await fetch(`${stack.edgeUrl}/api/v1/upload`, { method: 'POST', headers: { authorization: `Bearer ${stack.tokens.free}` }, body: form });

    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toMatchObject({ error: 'payload_too_large', upgradeUrl: '/pricing', details: { limit: LIMIT, tier: 'FREE' } });
  });

  it('keeps serving the next upload on the same edge after an early 413', async () => {
    const next = await fetch(`${stack.edgeUrl}/api/v1/upload`, { method: 'POST', headers: { authorization: `Bearer ${stack.tokens.free}` }, body: smallForm() });
    expect(next.status).toBe(201);
  });
});

function smallForm(): FormData {
  const form = new FormData();
  form.append('file', new Blob(['after']), 'after.txt');
  return form;
}

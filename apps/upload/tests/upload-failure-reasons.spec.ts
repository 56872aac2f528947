import { captureLogs, freePort, eventually, type LogCapture } from '@tp/testing';
import { postMultipart, type UploadReply } from './support/multipart-client';
import { MB, startUploadStack, type UploadStack } from './support/upload-stack';

const linesWith = (logs: LogCapture, requestId: string) => logs.lines().filter((line) => line['requestId'] === requestId);

describe('failure reasons a client reads back (through the edge)', () => {
  let stack: UploadStack;
  let logs: LogCapture;

  beforeAll(async () => {
    logs = captureLogs('upload');
    stack = await startUploadStack({ logger: logs.logger });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function upload(): Promise<{ id: string; requestId: string }> {
    const reply: UploadReply = await postMultipart(`${stack.edgeUrl}/api/v1/upload`, [{ filename: 'doc.bin', size: 3000 }], { token: stack.tokens.free });
    expect(reply.status).toBe(201);
    return { id: (reply.body['files'] as Array<{ id: string }>)[0]!.id, requestId: String(reply.headers['x-request-id']) };
  }

  async function readBack(id: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${stack.edgeUrl}/api/v1/upload/${id}`, { headers: { authorization: `Bearer ${stack.tokens.free}` } });
    return (await response.json()) as Record<string, unknown>;
  }

  async function processUntilFailed(id: string): Promise<Record<string, unknown>> {
    const worker = await stack.startWorker();
    await eventually(async () => (await readBack(id))['status'] === 'failed');
    await worker.close();
    return readBack(id);
  }

  it('shows a generic reason for a SHA-256 mismatch, and logs the hashes with the requestId', async () => {
    const file = await upload();
    await stack.db.database.pool.query(`UPDATE uploads SET sha256 = repeat('0', 64) WHERE id = $1`, [file.id]);

    const status = await processUntilFailed(file.id);

    expect(status['failureReason']).toBe('The stored file did not match the upload, please upload it again');
    const logged = linesWith(logs, file.requestId).filter((line) => line['msg'] === 'Upload processing failed');
    expect(logged).toEqual([expect.objectContaining({ uploadId: file.id, err: expect.objectContaining({ message: expect.stringMatching(/SHA-256 mismatch: recorded 0{64}/) }) })]);
  });

  it('shows a generic reason when the stored object is gone, and logs what S3 said with the requestId', async () => {
    const file = await upload();
    const row = await stack.uploads.findById(file.id);
    await stack.storage.remove(row!.objectKey);

    const status = await processUntilFailed(file.id);

    expect(status['failureReason']).toBe('The stored file could not be found, please upload it again');
    const [logged] = linesWith(logs, file.requestId).filter((line) => line['msg'] === 'Upload processing failed');
    expect(JSON.stringify(logged)).toMatch(/NoSuchKey|does not exist/);
  });
});

describe('failure reasons when S3 is down (through the edge)', () => {
  let stack: UploadStack;
  let logs: LogCapture;

  beforeAll(async () => {
    logs = captureLogs('upload');
    stack = await startUploadStack({ logger: logs.logger, s3Endpoint: `http://127.0.0.1:${await freePort()}` });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 503 with a generic message, stores a generic reason and logs the connection error with the requestId', async () => {
    const token = await stack.tokenFor('free@example.com');

    const reply = await postMultipart(`${stack.edgeUrl}/api/v1/upload`, [{ filename: 'a.bin', size: 6 * MB }], { token });

    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBe('1');
    expect(reply.body).toEqual({ error: 'service_unavailable', message: 'File storage unavailable, retry shortly', requestId: expect.any(String) });
    const { rows } = await stack.db.database.pool.query<{ failure_reason: string }>('SELECT failure_reason FROM uploads');
    expect(rows).toEqual([{ failure_reason: 'The file could not be stored, please upload it again' }]);
    const logged = JSON.stringify(linesWith(logs, String(reply.body['requestId'])));
    expect(logged).toMatch(/ECONNREFUSED/);
  });
});

import { call } from '@tp/testing';
import { RESUMABLE, startResumableStack, type ResumableStack } from './support/resumable-stack';

const KB = 1024;
const TUS = { 'tus-resumable': '1.0.0' };

describe('resumable uploads while S3 is unreachable (through the edge, on moto)', () => {
  let stack: ResumableStack;

  beforeAll(async () => {
    stack = await startResumableStack({ s3ViaProxy: true });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const patch = (location: string, offset: number, body: Buffer) =>
    call(`${stack.edgeUrl}${location}`, {
      method: 'PATCH',
      token: stack.tokens.premium,
      headers: { ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
      body: body.toString('latin1'),
    });

  it('answers a PATCH with 503 "File storage unavailable" and Retry-After, and the upload resumes once S3 is back', async () => {
    const created = await call(`${stack.edgeUrl}${RESUMABLE}`, { method: 'POST', token: stack.tokens.premium, headers: { ...TUS, 'upload-length': String(200 * KB) } });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect((await patch(location, 0, Buffer.alloc(100 * KB, 0x61))).status).toBe(204);

    stack.s3Path!.setMode('reset');
    const refused = await patch(location, 100 * KB, Buffer.alloc(100 * KB, 0x62));
    stack.s3Path!.setMode('up');

    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body).toEqual({ error: 'service_unavailable', message: 'File storage unavailable, retry shortly', requestId: expect.any(String) });
    const head = await call(`${stack.edgeUrl}${location}`, { method: 'HEAD', token: stack.tokens.premium, headers: TUS });
    expect(head.status).toBe(200);
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBe(100 * KB);
    expect((await patch(location, offset, Buffer.alloc(200 * KB - offset, 0x62))).status).toBe(204);
  }, 120_000);
});

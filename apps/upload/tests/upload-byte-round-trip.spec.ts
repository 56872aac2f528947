import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { eventually } from '@tp/testing';
import { startUploadStack, type UploadStack } from './support/upload-stack';

/** A multipart body framed with `boundary`, sent with exactly `contentType`; resolves with status and JSON body. */
function upload(url: string, contentType: string, boundary: string, content: Buffer): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bytes.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': contentType, 'content-length': body.length } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('uploads round-trip byte for byte (through the edge, read back via the presigned URL)', () => {
  let stack: UploadStack;
  beforeAll(async () => {
    stack = await startUploadStack();
    await stack.startWorker();
  }, 60_000);
  afterAll(() => stack?.stop());

  async function roundTrip(contentType: string, boundary: string, content: Buffer): Promise<Buffer> {
    const reply = await upload(`${stack.edgeUrl}/api/v1/upload/anonymous`, contentType, boundary, content);
    expect(reply.status).toBe(201);
    const file = (reply.body['files'] as Array<{ id: string; token: string; sha256: string; size: number }>)[0]!;
    expect({ size: file.size, sha256: file.sha256 }).toEqual({ size: content.length, sha256: sha256(content) });
    const status = async () =>
      (await (await fetch(`${stack.edgeUrl}/api/v1/upload/anonymous/${file.id}`, { headers: { 'x-upload-token': file.token } })).json()) as Record<string, unknown>;
    await eventually(async () => (await status())['status'] === 'ready');
    const download = await fetch((await status())['downloadUrl'] as string);
    expect(download.status).toBe(200);
    return Buffer.from(await download.arrayBuffer());
  }

  it('stores a file full of control bytes exactly as sent', async () => {
    const controls = Buffer.from([...Array.from({ length: 32 }, (_, byte) => byte), 0x7f]);
    const content = Buffer.concat(Array.from({ length: 2000 }, () => controls));
    expect(await roundTrip('multipart/form-data; boundary=plain-boundary-1', 'plain-boundary-1', content)).toEqual(content);
  });

  it('takes the boundary busboy takes from a decoy header and leaves the file’s bytes alone', async () => {
    // A scrubber reading `AAA"` as the boundary would scrub "headers" inside this file.
    const decoy = Buffer.from('\r\n--AAA"\r\nname="a\u0001\u0007b"\r\n\u0000\u001b\r\n\r\nafter');
    const content = Buffer.concat([Buffer.from('start\u0007'), decoy, decoy, Buffer.from([0, 1, 2, 0x7f, 13, 10])]);
    const contentType = 'multipart/form-data; x="; boundary=AAA"; boundary=BBB';
    expect(await roundTrip(contentType, 'BBB', content)).toEqual(content);
  });
});

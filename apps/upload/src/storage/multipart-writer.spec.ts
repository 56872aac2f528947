import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { startMotoServer, startS3Server } from '@tp/testing';
import { loadUploadConfig } from '../config';
import { ObjectStorage } from './object-storage';
import { PartBuffer } from './multipart-writer';

const MB = 1024 * 1024;

/** Deterministic bytes in uneven chunk sizes, so parts never line up with chunks. */
function source(size: number): { stream: Readable; sha256: string } {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  for (let sent = 0, n = 0; sent < size; n += 1) {
    const length = Math.min(size - sent, 40_000 + ((n * 7919) % 50_000));
    const chunk = Buffer.alloc(length, n % 251);
    hash.update(chunk);
    chunks.push(chunk);
    sent += length;
  }
  return { stream: Readable.from(chunks), sha256: hash.digest('hex') };
}

async function sha256Of(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

// s3rver (npm start, most tests) and moto (the resumable path's tests), whose CompleteMultipartUpload answers differ.
describe.each([
  ['s3rver', () => startS3Server()],
  ['moto', () => startMotoServer()],
])('writeStreamToObject on %s', (_name, start) => {
  let s3: { endpoint: string; close: () => Promise<void> };
  let storage: ObjectStorage;

  beforeAll(async () => {
    s3 = await start();
    storage = new ObjectStorage(loadUploadConfig({ S3_ENDPOINT: s3.endpoint, S3_BUCKET: 'writer-test' }).s3);
    await storage.ensureBucket();
  });

  afterAll(() => s3?.close());

  it.each([
    ['an empty file', 0],
    ['a small file (one PUT)', 1234],
    ['exactly one part', 5 * MB],
    ['one byte over a part', 5 * MB + 1],
    ['several parts and a short last one', 12 * MB + 777],
  ])('stores %s byte for byte', async (_label, size) => {
    const { stream, sha256 } = source(size);
    await storage.write(`objects/${size}`, stream, () => 'application/octet-stream');
    expect(await sha256Of(await storage.read(`objects/${size}`))).toEqual({ sha256, size });
  });
});

describe('PartBuffer', () => {
  it('copies what fits and hands back the rest of the chunk', () => {
    const part = new PartBuffer(4);
    expect(part.fill(Buffer.from('ab'))).toBeUndefined();
    expect(part.fill(Buffer.from('cdef'))?.toString()).toBe('ef');
    expect(part.full).toBe(true);
    expect(part.view().toString()).toBe('abcd');
    part.reset();
    expect(part.fill(Buffer.from('xy'))).toBeUndefined();
    expect(part.view().toString()).toBe('xy');
  });
});

import type { Readable } from 'node:stream';
import type { Client } from 'minio';

/** One uploaded part, as CompleteMultipartUpload lists it. */
export interface UploadedPart {
  part: number;
  etag: string;
}

export interface WriteTarget {
  client: Client;
  bucket: string;
  key: string;
  partSizeBytes: number;
  /** CompleteMultipartUpload (object-storage.ts: on the AWS SDK, which reads every S3's answer). */
  complete: (uploadId: string, parts: UploadedPart[]) => Promise<void>;
  /** Read once the first part is buffered, so it can come from the file's own first bytes. */
  contentType: () => string | Promise<string>;
}

/**
 * One part's worth of memory, allocated once per upload and refilled part after part. Chunks
 * are copied in as they arrive and never kept, so a part costs no array of chunk references and
 * no fresh part-sized Buffer.concat per part (that churn is what let the RSS climb by ~80 MB on
 * a 200 MB upload before the garbage collector caught up).
 */
export class PartBuffer {
  private readonly bytes: Buffer;
  size = 0;

  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafeSlow(capacity);
  }

  get capacity(): number {
    return this.bytes.length;
  }

  get full(): boolean {
    return this.size === this.bytes.length;
  }

  /** Copies what fits; returns the rest of the chunk (to go into the next part), if any. */
  fill(chunk: Buffer): Buffer | undefined {
    const taken = Math.min(chunk.length, this.bytes.length - this.size);
    chunk.copy(this.bytes, this.size, 0, taken);
    this.size += taken;
    return taken < chunk.length ? chunk.subarray(taken) : undefined;
  }

  /** The filled bytes; valid until the next reset. */
  view(): Buffer {
    return this.bytes.subarray(0, this.size);
  }

  reset(): void {
    this.size = 0;
  }
}

// Part buffers outlive a young-generation GC, so a dropped one waits for a full GC: reusing
// them across files (a batch, the next request) keeps a 1 GB batch at the memory of one file.
const POOL_LIMIT = 4;
const pool: PartBuffer[] = [];

function acquirePart(capacity: number): PartBuffer {
  const index = pool.findIndex((buffer) => buffer.capacity === capacity);
  const reused = index >= 0 ? pool.splice(index, 1)[0] : undefined;
  if (!reused) return new PartBuffer(capacity);
  reused.reset();
  return reused;
}

function releaseParts(buffers: PartBuffer[]): void {
  for (const buffer of buffers) if (pool.length < POOL_LIMIT) pool.push(buffer);
}

/**
 * Two part buffers: one is being sent while the other fills. Before a buffer is refilled its
 * upload has finished, so memory stays at two parts whatever the file size, and the source is
 * not read (backpressure reaches the client) while both are busy.
 */
async function uploadParts(target: WriteTarget, uploadId: string, buffers: PartBuffer[], iterator: AsyncIterator<Buffer>, rest?: Buffer) {
  const { client, bucket, key } = target;
  const etags: UploadedPart[] = [];
  const first = buffers[0]!;
  let filling = 1;
  let part = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const send = async (buffer: PartBuffer) => {
    await inFlight;
    part += 1;
    const number = part;
    inFlight = client
      .uploadPart({ bucketName: bucket, objectName: key, uploadID: uploadId, partNumber: number, headers: {} }, buffer.view())
      .then((result) => {
        etags.push({ part: number, etag: result.etag });
      });
    // Surface a failed part at once instead of after the next part filled.
    inFlight.catch(() => undefined);
  };
  await send(first);
  const fillWith = async (chunk: Buffer | undefined) => {
    for (let left = chunk; left !== undefined; ) {
      left = buffers[filling]!.fill(left);
      if (!buffers[filling]!.full) continue;
      await send(buffers[filling]!);
      filling = 1 - filling;
      // The buffer about to be refilled is the one whose upload `send` just awaited.
      buffers[filling]!.reset();
    }
  };
  await fillWith(rest);
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) await fillWith(next.value);
  if (buffers[filling]!.size > 0) await send(buffers[filling]!);
  await inFlight;
  etags.sort((a, b) => a.part - b.part);
  await target.complete(uploadId, etags);
}

/**
 * Streams `source` into one S3 object with our own part loop instead of minio's putObject:
 * putObject first lists in-progress multipart uploads (unsupported by s3rver), holds a huge
 * part for unknown lengths, never aborts its multipart upload on failure and can leave its
 * promise unsettled when the source errors. Here any failure (source error, size limit,
 * S3 error) aborts the multipart upload and rejects; a small file is one plain PUT.
 */
export async function writeStreamToObject(target: WriteTarget, source: Readable): Promise<void> {
  const { client, bucket, key, partSizeBytes, contentType } = target;
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head = acquirePart(partSizeBytes);
  let rest: Buffer | undefined;
  let ended = false;
  while (!head.full) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    rest = head.fill(next.value);
  }
  if (ended) {
    try {
      const body = head.view();
      await client.putObject(bucket, key, body, body.length, { 'Content-Type': await contentType() });
      return;
    } finally {
      releaseParts([head]);
    }
  }
  const uploadId = await client.initiateNewMultipartUpload(bucket, key, { 'Content-Type': await contentType() });
  const second = acquirePart(partSizeBytes);
  try {
    await uploadParts(target, uploadId, [head, second], iterator, rest);
    releaseParts([head, second]);
  } catch (err) {
    source.destroy();
    await client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
    // Not pooled: a part upload of this file may still be reading one of them.
    throw err;
  }
}

import type { Readable } from 'node:stream';
import type { Client } from 'minio';

export interface WriteTarget {
  client: Client;
  bucket: string;
  key: string;
  partSizeBytes: number;
  /** Read once the first part is buffered, so it can come from the file's own first bytes. */
  contentType: () => string;
}

/** Collects chunks into one part-sized buffer; never holds more than a part (plus one chunk). */
class PartBuffer {
  private chunks: Buffer[] = [];
  size = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  take(): Buffer {
    const part = Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    return part;
  }
}

async function uploadParts(target: WriteTarget, uploadId: string, first: Buffer, iterator: AsyncIterator<Buffer>) {
  const { client, bucket, key, partSizeBytes } = target;
  const etags: Array<{ part: number; etag: string }> = [];
  const buffer = new PartBuffer();
  buffer.push(first);
  let part = 0;
  // One part in flight while the next one fills: ~2 parts of memory, whatever the file size.
  let inFlight: Promise<void> = Promise.resolve();
  const send = async (payload: Buffer) => {
    await inFlight;
    part += 1;
    const number = part;
    inFlight = client
      .uploadPart({ bucketName: bucket, objectName: key, uploadID: uploadId, partNumber: number, headers: {} }, payload)
      .then((result) => {
        etags.push({ part: number, etag: result.etag });
      });
    // Surface a failed part at once instead of after the next part filled.
    inFlight.catch(() => undefined);
  };
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    buffer.push(next.value);
    if (buffer.size >= partSizeBytes) await send(buffer.take());
  }
  if (buffer.size > 0) await send(buffer.take());
  await inFlight;
  etags.sort((a, b) => a.part - b.part);
  await client.completeMultipartUpload(bucket, key, uploadId, etags);
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
  const head = new PartBuffer();
  let ended = false;
  while (head.size < partSizeBytes) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
  }
  const first = head.take();
  if (ended) {
    await client.putObject(bucket, key, first, first.length, { 'Content-Type': contentType() });
    return;
  }
  const uploadId = await client.initiateNewMultipartUpload(bucket, key, { 'Content-Type': contentType() });
  try {
    await uploadParts(target, uploadId, first, iterator);
  } catch (err) {
    source.destroy();
    await client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
    throw err;
  }
}

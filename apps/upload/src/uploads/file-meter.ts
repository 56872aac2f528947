import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { detectMime, MIME_SNIFF_BYTES } from './detect-mime';

/** Raised by the meter at the first byte past the limit. */
export class FileTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`File exceeds ${limitBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}

/**
 * Sits between the request and S3: counts bytes, hashes them (SHA-256) and keeps the first
 * MIME_SNIFF_BYTES for MIME detection, without buffering the file. The first byte past
 * `limitBytes` fails the stream, which makes the S3 writer abort its multipart upload.
 */
export class FileMeter extends Transform {
  size = 0;
  private readonly hash = createHash('sha256');
  private head = Buffer.alloc(0);
  private detected: Promise<string> | undefined;

  constructor(private readonly limitBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.limitBytes) {
      callback(new FileTooLargeError(this.limitBytes));
      return;
    }
    if (this.head.length < MIME_SNIFF_BYTES) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, MIME_SNIFF_BYTES - this.head.length)]);
      // Detected as soon as the sample is complete, while the rest of the file streams on.
      if (this.head.length === MIME_SNIFF_BYTES) void this.mime();
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  /** Detected once, from the first MIME_SNIFF_BYTES: ask once they passed or the stream ended. */
  mime(): Promise<string> {
    this.detected ??= detectMime(this.head);
    return this.detected;
  }

  /** Only after the stream ended. */
  async result(): Promise<{ size: number; sha256: string; mime: string }> {
    return { size: this.size, sha256: this.hash.digest('hex'), mime: await this.mime() };
  }
}

import type { Readable } from 'node:stream';
import { CompleteMultipartUploadCommand, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'minio';
import type { S3Settings } from '../config';
import { writeStreamToObject } from './multipart-writer';

function clientFor(endpoint: string, settings: S3Settings): Client {
  const url = new URL(endpoint);
  const useSSL = url.protocol === 'https:';
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port || (useSSL ? 443 : 80)),
    useSSL,
    accessKey: settings.accessKey,
    secretKey: settings.secretKey,
    // A fixed region: presigning then needs no bucket-location round trip.
    region: settings.region,
    pathStyle: true,
  });
}

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound', 'NoSuchBucket']);

export function isMissingObject(err: unknown): boolean {
  return NOT_FOUND.has(String((err as { code?: unknown } | null)?.code));
}

/** The bucket holding uploaded files; everything the services do with S3 goes through here. */
export class ObjectStorage {
  readonly client: Client;
  private readonly publicClient: Client;
  /** Only CompleteMultipartUpload: minio-js 8.0.7 rejects moto's answer to it (a `CompleteMultipartUploadResponse` root). */
  private readonly completer: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.client = clientFor(settings.endpoint, settings);
    this.publicClient = settings.publicEndpoint === settings.endpoint ? this.client : clientFor(settings.publicEndpoint, settings);
    this.completer = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: true,
      credentials: { accessKeyId: settings.accessKey, secretAccessKey: settings.secretKey },
    });
  }

  get bucket(): string {
    return this.settings.bucket;
  }

  async ensureBucket(): Promise<void> {
    if (await this.client.bucketExists(this.settings.bucket)) return;
    await this.client.makeBucket(this.settings.bucket, this.settings.region).catch(async (err: unknown) => {
      // Another replica created it first.
      if (!(await this.client.bucketExists(this.settings.bucket))) throw err;
    });
  }

  async ping(): Promise<void> {
    if (!(await this.client.bucketExists(this.settings.bucket))) throw new Error(`bucket ${this.settings.bucket} missing`);
  }

  write(key: string, source: Readable, contentType: () => string | Promise<string>): Promise<void> {
    return writeStreamToObject(
      {
        client: this.client,
        bucket: this.settings.bucket,
        key,
        partSizeBytes: this.settings.partSizeBytes,
        contentType,
        complete: async (uploadId, parts) => {
          const command = new CompleteMultipartUploadCommand({
            Bucket: this.settings.bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts.map(({ part, etag }) => ({ PartNumber: part, ETag: etag })) },
          });
          await this.completer.send(command);
        },
      },
      source,
    );
  }

  read(key: string): Promise<Readable> {
    return this.client.getObject(this.settings.bucket, key);
  }

  /** Size of the stored object, or undefined when there is none. */
  async sizeOf(key: string): Promise<number | undefined> {
    try {
      return (await this.client.statObject(this.settings.bucket, key)).size;
    } catch (err) {
      if (isMissingObject(err)) return undefined;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    try {
      await this.client.removeObject(this.settings.bucket, key);
    } catch (err) {
      if (!isMissingObject(err)) throw err;
    }
  }

  presignDownload(key: string, ttlSeconds: number, fileName: string): Promise<string> {
    const disposition = `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`;
    return this.publicClient.presignedGetObject(this.settings.bucket, key, ttlSeconds, {
      'response-content-disposition': disposition,
    });
  }
}

// Connection-level failures: S3 is down or unreachable, not a bad request of ours.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE', 'EAI_AGAIN']);

export function isStorageUnavailable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; current && depth < 4; depth += 1) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code === 'ServiceUnavailable' || code === 'SlowDown')) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

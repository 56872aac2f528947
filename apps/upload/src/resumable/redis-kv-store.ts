import type { MetadataValue } from '@tus/s3-store';
import { Upload, type KvStore } from '@tus/utils';
import type { Redis } from 'ioredis';

/** What @tus/s3-store caches per upload: its S3 multipart upload id and the upload itself. */
export type CachedUpload = MetadataValue;

/**
 * @tus/s3-store's metadata cache in Redis (its default is one process's memory), so every replica
 * reads the same. Entries expire with the upload (`ttlMs`); the store deletes them on removal.
 */
export class IoRedisKvStore implements KvStore<CachedUpload> {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  async get(key: string): Promise<CachedUpload | undefined> {
    const raw = await this.redis.get(`${this.prefix}${key}`);
    if (raw === null) return undefined;
    const value = JSON.parse(raw) as CachedUpload;
    // A class again: the store reads `file.sizeIsDeferred`.
    return { ...value, file: new Upload(value.file) };
  }

  async set(key: string, value: CachedUpload): Promise<void> {
    await this.redis.set(`${this.prefix}${key}`, JSON.stringify(value), 'PX', this.ttlMs);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(`${this.prefix}${key}`);
  }
}

import type { Router } from 'express';
import type { Redis } from 'ioredis';
import type { TokenVerifier } from '@tp/auth';
import type { Database } from '@tp/db';
import type { Logger } from '@tp/logging';
import type { ApiRegistry } from '@tp/openapi';
import type { UploadConfig } from '../config';
import type { ProcessingQueue } from '../queue/processing-queue';
import type { AccountStorageQuota } from '../quota/account-storage-quota';
import type { UploadSlots } from '../quota/upload-slots';
import type { ObjectStorage } from '../storage/object-storage';
import type { CountUpload } from '../uploads/upload-metrics';
import type { UploadService } from '../uploads/upload-service';
import type { UploadStore } from '../uploads/upload-store';
import { IoRedisKvStore } from './redis-kv-store';
import { ResumableLifecycle } from './resumable-lifecycle';
import { ResumableRows } from './resumable-rows';
import { resumableRoutes } from './resumable-routes';
import { ResumableService } from './resumable-service';
import { createResumableStore } from './resumable-store';

export interface ResumableParts {
  config: UploadConfig;
  database: Database;
  redis: Redis;
  storage: ObjectStorage;
  queue: ProcessingQueue;
  uploads: UploadStore;
  logger: Logger;
  clock: () => Date;
}

/** The S3 store (metadata cached in Redis) and what finishes or expires an upload: the service's and the worker's. */
export function resumableLifecycle(parts: ResumableParts): ResumableLifecycle {
  const { resumable, s3 } = parts.config;
  // A cached entry outlives its upload by an hour at most, whatever happens to the upload.
  const cache = new IoRedisKvStore(parts.redis, `${resumable.prefix}info:`, resumable.ttlMs + 3_600_000);
  const store = createResumableStore(s3, resumable, cache);
  const rows = new ResumableRows(parts.database.db, parts.clock);
  return new ResumableLifecycle({ rows, uploads: parts.uploads, storage: parts.storage, store, queue: parts.queue, logger: parts.logger });
}

/** The resumable routes of the upload app, on the multipart uploads' service, quota and slots. */
export function resumableRouter(
  parts: ResumableParts & { service: UploadService; accountQuota: AccountStorageQuota; slots: UploadSlots; verifier: TokenVerifier; count: CountUpload },
  api: ApiRegistry,
): Router {
  const lifecycle = resumableLifecycle(parts);
  const service = new ResumableService({
    uploads: parts.service,
    store: parts.uploads,
    rows: lifecycle.rows,
    accountQuota: parts.accountQuota,
    ttlMs: parts.config.resumable.ttlMs,
    clock: parts.clock,
  });
  return resumableRoutes(
    {
      service,
      lifecycle,
      store: lifecycle.store,
      slots: parts.slots,
      redis: parts.redis,
      verifier: parts.verifier,
      settings: parts.config.resumable,
      pace: parts.config.pace,
      count: parts.count,
    },
    api,
  );
}

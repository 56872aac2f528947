import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { TokenVerifier } from '@tp/auth';
import type { Database } from '@tp/db';
import { createUserAccounts, type AccountCache } from '@tp/entitlements';
import type { FeatureFlagClient } from '@tp/feature-flags';
import { createServiceApp } from '@tp/http';
import type { Logger } from '@tp/logging';
import type { ServiceMetrics } from '@tp/metrics';
import { ApiRegistry, openApiHandler } from '@tp/openapi';
import type { UploadConfig } from './config';
import type { ProcessingQueue } from './queue/processing-queue';
import { AccountStorageQuota } from './quota/account-storage-quota';
import { AccountStorageQuotaStore } from './quota/account-storage-quota-store';
import { AnonymousQuota } from './quota/anonymous-quota';
import { AnonymousQuotaStore } from './quota/anonymous-quota-store';
import { UploadSlots } from './quota/upload-slots';
import { resumableRouter } from './resumable/resumable-wiring';
import type { ObjectStorage } from './storage/object-storage';
import { S3StorageEngine } from './uploads/s3-storage-engine';
import { uploadRoutes, uploadStatusRoutes } from './uploads/upload-routes';
import { UNCOUNTED, uploadCounters } from './uploads/upload-metrics';
import { UploadService } from './uploads/upload-service';
import { UploadStore } from './uploads/upload-store';

export interface UploadAppDeps {
  config: UploadConfig;
  database: Database;
  verifier: TokenVerifier;
  storage: ObjectStorage;
  queue: ProcessingQueue;
  /** Upload slots (uploads in flight per account or anonymous client) are counted here, shared by every replica. */
  redis: Redis;
  /** Local flag evaluation: `premium-tools` gates batch uploads (503 while off). */
  flags: FeatureFlagClient;
  logger: Logger;
  clock?: () => Date;
  metrics?: ServiceMetrics;
  /** Accounts cached until billing announces a change; without it every request reads the database. */
  entitlements?: AccountCache;
}

/** The upload service: multipart uploads streamed to S3, anonymous uploads, status read-back. */
export function createApp(deps: UploadAppDeps): Express {
  const clock = deps.clock ?? (() => new Date());
  const uploads = new UploadStore(deps.database.db, clock);
  const service = new UploadService(
    uploads,
    // The same accounts and entitlement rule as the user service: one tier, one way users are created.
    createUserAccounts({ db: deps.database.db, settings: deps.config.entitlements, flags: deps.flags, clock, cache: deps.entitlements }),
    deps.storage,
    deps.queue,
    {
      ipHashSecret: deps.config.ipHashSecret,
      ipv6Prefix: deps.config.clients.ipv6Prefix,
      anonymousTtlMs: deps.config.anonymousTtlMs,
      downloadUrlTtlSeconds: deps.config.downloadUrlTtlSeconds,
      premiumToolsEnabled: (caller) => deps.flags.isEnabled('premium-tools', caller ?? {}),
    },
    deps.logger,
    clock,
  );
  const quota = new AnonymousQuota(new AnonymousQuotaStore(deps.database), deps.config.anonymousQuota, clock);
  const accountQuota = new AccountStorageQuota(new AccountStorageQuotaStore(deps.database), deps.config.storage, clock);
  return createServiceApp({
    logger: deps.logger,
    metrics: deps.metrics,
    // Multipart bodies are streamed by the upload intake (busboy); no JSON body parser.
    jsonLimit: false,
    // Anonymous uploads are keyed by client IP: believe X-Forwarded-For only from the edge's addresses (TRUSTED_PROXIES).
    trustProxy: deps.config.clients.trustedProxies,
    healthChecks: [
      { name: 'postgres', required: true, readiness: true, run: deps.database.ping },
      { name: 's3', required: true, readiness: true, run: () => deps.storage.ping() },
      // The BullMQ processing queue (Redis): without it no stored file gets processed.
      { name: 'queue', required: true, readiness: true, run: () => deps.queue.ping() },
    ],
    routes: (app) => {
      const counts = deps.metrics ? uploadCounters(deps.metrics.registry) : { multipart: UNCOUNTED, resumable: UNCOUNTED };
      const api = new ApiRegistry();
      const slots = new UploadSlots(deps.redis, deps.config.slots);
      // Resumable (tus) first: /api/v1/upload/:id would take /api/v1/upload/resumable (its OPTIONS too).
      app.use(resumableRouter({ ...deps, uploads, clock, service, accountQuota, slots, count: counts.resumable }, api));
      app.use(uploadStatusRoutes(service, deps.verifier, api));
      const storage = new S3StorageEngine(deps.storage, uploads, deps.logger);
      app.use(uploadRoutes({ service, quota, accountQuota, slots, pace: deps.config.pace, verifier: deps.verifier, storage, count: counts.multipart }, api));
      // Internal: the edge merges this fragment into /docs/openapi.json.
      app.get('/openapi.json', openApiHandler(api));
    },
  });
}

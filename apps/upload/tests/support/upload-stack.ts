import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'bullmq';
import type { FeatureFlagClient } from '@tp/feature-flags';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { startService, type StartedService } from '@tp/http';
import type { Logger } from '@tp/logging';
import { parseExposition, sampleValue } from '@tp/metrics';
import { freePort, keycloakEnvFor, startTestStack, testFlags, type S3Server, type ServiceProcess, type TestDatabase } from '@tp/testing';
import type { UploadConfig } from '../../src/config';
import { createQueueRedis } from '../../src/queue/create-redis';
import { ProcessingQueue } from '../../src/queue/processing-queue';
import { ObjectStorage } from '../../src/storage/object-storage';
import { UploadStore } from '../../src/uploads/upload-store';
import { uploadService } from '../../src/service';
import { createUploadWorker } from '../../src/worker/upload-worker';
import { uploadWorkerService } from '../../src/worker-service';

export const MB = 1024 * 1024;

export interface UploadStack {
  edgeUrl: string;
  serviceUrl: string;
  config: UploadConfig;
  db: TestDatabase;
  idp: DevIdentityProvider;
  s3: S3Server;
  storage: ObjectStorage;
  uploads: UploadStore;
  /** The app's flag client (TTL only): call `invalidate()` after changing feature_flags. */
  flags: FeatureFlagClient;
  edge: ServiceProcess;
  /** Access tokens of the seeded FREE and PREMIUM users, signed in when the stack started. */
  tokens: { free: string; premium: string };
  tokenFor: (email: string) => Promise<string>;
  /** A worker process's wiring on this stack's queue, in-process; its consumer paused until `worker.run()` unless autorun. */
  startWorker: (options?: { autorun?: boolean; concurrency?: number }) => Promise<Worker>;
  /** A metric of the upload app summed over the series with these labels (e.g. `uploads_total`). */
  metricValue: (name: string, labels?: Record<string, string>) => Promise<number>;
  /** Every object key in the bucket. */
  listKeys: () => Promise<string[]>;
  /** Multipart uploads s3rver still holds on disk (it has no Abort/ListMultipartUploads). */
  pendingMultipartDirs: () => string[];
  stop: () => Promise<void>;
}

export interface UploadStackOptions {
  env?: Record<string, string>;
  /** Extra environment for the edge process (e.g. LOG_LEVEL=info to read its request log). */
  edgeEnv?: Record<string, string>;
  /** The logger of the upload app and its workers (e.g. captureLogs().logger to read lines back). */
  logger?: Logger;
  /** S3 endpoint override (e.g. a closed port for an outage). */
  s3Endpoint?: string;
}

/** Drops this stack's BullMQ keys (its queue name and prefix are its own). */
async function dropQueue(config: UploadConfig, logger: Logger): Promise<void> {
  const redis = createQueueRedis(config.redisUrl, 'producer', logger);
  const queue = new ProcessingQueue(redis, config.queue);
  await queue.queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await redis.quit().catch(() => redis.disconnect());
}

/**
 * Postgres, the dev IdP, s3rver, the upload service in-process as main.ts wires it (only its flags
 * read by TTL, no account cache) and the real edge as its own process; workers on demand, wired as
 * worker-main.ts wires them.
 */
export async function startUploadStack(options: UploadStackOptions = {}): Promise<UploadStack> {
  const stack = await startTestStack({ s3: true });
  const s3 = stack.s3!;
  try {
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: stack.db.url,
      REDIS_URL: stack.redisUrl,
      ...keycloakEnvFor(stack.idp),
      S3_ENDPOINT: options.s3Endpoint ?? s3.endpoint,
      S3_BUCKET: `uploads-${stack.unique}`,
      UPLOAD_QUEUE_NAME: `upload-test-${stack.unique}`,
      UPLOAD_QUEUE_PREFIX: `bull-test-${stack.unique}`,
      UPLOAD_JOB_BACKOFF_MS: '100',
      UPLOAD_SLOT_PREFIX: `upload-slots-test:${stack.unique}:`,
      ...options.env,
    };
    const flags = testFlags();
    const server = await startService(uploadService({ flags: flags.source, accounts: () => undefined }), env, { logger: options.logger });
    const { config, logger, metrics } = server;
    const workers: StartedService<UploadConfig>[] = [];
    // Runs once the edge has stopped, before the databases go: workers, then the app, then its queue's keys.
    stack.onStop(async () => {
      await Promise.all(workers.map((worker) => worker.close()));
      await server.close();
      await dropQueue(config, logger);
    });
    const edge = await stack.startEdge({
      LOG_LEVEL: 'warn',
      UPLOAD_SERVICE_URL: server.url,
      // Nothing listens there: these tests never reach the user service.
      USER_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
      RATE_LIMIT_MAX: '10000',
      ...options.edgeEnv,
    });
    const [free, premium] = await Promise.all([stack.tokenFor('free@example.com'), stack.tokenFor('premium@example.com')]);
    const storage = new ObjectStorage(config.s3);
    const uploads = new UploadStore(stack.db.database.db, () => new Date());
    return {
      edgeUrl: edge.url,
      serviceUrl: server.url,
      config,
      db: stack.db,
      idp: stack.idp,
      s3,
      storage,
      uploads,
      flags: flags.client,
      edge,
      tokens: { free, premium },
      tokenFor: stack.tokenFor,
      startWorker: async ({ autorun = true, concurrency = 1 } = {}) => {
        let consumer: Worker | undefined;
        const workerEnv = { ...env, UPLOAD_WORKER_CONCURRENCY: String(concurrency) };
        const service = uploadWorkerService({ consumer: (deps) => (consumer = createUploadWorker({ ...deps, autorun })) });
        workers.push(await startService(service, workerEnv, { logger }));
        return consumer!;
      },
      metricValue: async (name, labels) => sampleValue(parseExposition(await metrics.registry.metrics()), name, labels),
      listKeys: async () => {
        const keys: string[] = [];
        for await (const item of storage.client.listObjectsV2(config.s3.bucket, '', true)) keys.push((item as { name: string }).name);
        return keys;
      },
      pendingMultipartDirs: () => {
        const root = s3.bucketDir(config.s3.bucket);
        const uploadsDir = readdirSync(root, { withFileTypes: true }).find((entry) => entry.name.includes('uploads'));
        return uploadsDir ? readdirSync(join(root, uploadsDir.name)) : [];
      },
      stop: stack.stop,
    };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

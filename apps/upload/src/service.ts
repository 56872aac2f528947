import { createVerifier } from '@tp/auth';
import { startDatabase } from '@tp/db';
import type { AccountCacheSource } from '@tp/entitlements';
import type { FlagSource } from '@tp/feature-flags';
import type { RunServiceOptions } from '@tp/http';
import { jwksMetrics } from '@tp/metrics';
import { createApp } from './app';
import { loadUploadConfig, type UploadConfig } from './config';
import { ProcessingQueue } from './queue/processing-queue';
import { createQueueRedis } from './queue/create-redis';
import { ObjectStorage } from './storage/object-storage';

/** What the upload service takes from outside: main.ts names the Redis-backed ones, a test may name its own. */
export interface UploadCollaborators {
  flags: FlagSource;
  accounts: AccountCacheSource;
}

/** The upload service as a process: main.ts runs it (runService), tests start it in-process (startService). */
export function uploadService(collaborators: UploadCollaborators): RunServiceOptions<UploadConfig> {
  return {
    name: 'upload',
    loadConfig: loadUploadConfig,
    createApp: async (parts) => {
      const { config, logger, metrics, onClose } = parts;
      const database = startDatabase(parts);
      const redis = createQueueRedis(config.redisUrl, 'producer', logger);
      onClose(() => redis.quit());
      const queue = new ProcessingQueue(redis, config.queue);
      onClose(() => queue.close());
      const storage = new ObjectStorage(config.s3);
      const verifier = createVerifier(config.auth, jwksMetrics(metrics.registry));
      // Created at start when missing; an unreachable S3 only delays it (readiness reports it).
      await storage.ensureBucket().catch((err: unknown) => logger.warn({ err }, 'Could not ensure the upload bucket exists'));
      const { client: flags } = await collaborators.flags(parts, database.db);
      const entitlements = collaborators.accounts(parts);
      return createApp({ config, database, verifier, storage, queue, redis, flags, logger, metrics, entitlements });
    },
    server: (config) => ({ requestTimeoutMs: config.requestTimeoutMs }),
  };
}

import { z } from 'zod';
import { clientIdentityConfig, databaseConfig, httpUrl, keycloakConfig, loadServiceConfig, positiveInt, redisConfig, servicePorts, serviceSpec, type Env } from '@tp/config';
import { entitlementConfig } from '@tp/entitlements';
import { featureFlagConfig } from '@tp/feature-flags';
import { storageConfig } from '@tp/tiers';

const DEV_IP_HASH_SECRET = 'dev-only-upload-ip-hash-secret-change-me';

const uploadEnv = {
  /** Redis key prefix of the upload slots (uploads in flight per account or anonymous client). */
  UPLOAD_SLOT_PREFIX: z.string().min(1).default('upload-slots:'),
  /** An upload body slower than this on average over UPLOAD_MIN_RATE_WINDOW_MS is cut with 408 (its slot freed). */
  UPLOAD_MIN_BYTES_PER_SECOND: positiveInt(8 * 1024),
  UPLOAD_MIN_RATE_WINDOW_MS: positiveInt(30_000),
  UPLOAD_IP_HASH_SECRET: z.string().min(16).default(DEV_IP_HASH_SECRET),
  ANONYMOUS_UPLOAD_TTL_HOURS: positiveInt(24),
  /** Per client IP (hashed), over a rolling window: files and bytes of anonymous uploads. */
  ANONYMOUS_QUOTA_FILES: positiveInt(50),
  ANONYMOUS_QUOTA_BYTES: positiveInt(500 * 1024 * 1024),
  ANONYMOUS_QUOTA_WINDOW_HOURS: positiveInt(24),
  /** All anonymous uploads together (stored plus streaming): past it anonymous uploads get 429. */
  ANONYMOUS_STORAGE_CAP_BYTES: positiveInt(20 * 1024 * 1024 * 1024),
  UPLOAD_DOWNLOAD_URL_TTL_SECONDS: positiveInt(300),
  /** Whole-request cap: a 200 MB upload on a slow link must fit (Node's default of 5 min would cut it). */
  UPLOAD_REQUEST_TIMEOUT_MS: positiveInt(30 * 60_000),
  UPLOAD_PART_SIZE_BYTES: z.coerce.number().int().min(5 * 1024 * 1024).default(5 * 1024 * 1024),
  UPLOAD_QUEUE_NAME: z.string().min(1).default('upload-processing'),
  UPLOAD_QUEUE_PREFIX: z.string().min(1).default('bull'),
  UPLOAD_WORKER_CONCURRENCY: positiveInt(2),
  UPLOAD_JOB_ATTEMPTS: positiveInt(5),
  UPLOAD_JOB_BACKOFF_MS: positiveInt(2000),
  UPLOAD_SWEEP_INTERVAL_MS: positiveInt(10 * 60_000),
  /** Resumable (tus) uploads: an unfinished one expires (parts aborted, 410) this long after creation. */
  UPLOAD_RESUMABLE_TTL_HOURS: positiveInt(24),
  /** A PATCH's lock on its upload lives this long unless renewed (a killed replica's lock frees itself). */
  UPLOAD_RESUMABLE_LOCK_TTL_MS: positiveInt(5_000),
  /** Redis key prefix of the resumable uploads' locks and metadata cache. */
  UPLOAD_RESUMABLE_PREFIX: z.string().min(1).default('tus:'),
  /** One S3 part of a resumable upload, buffered on local disk (os.tmpdir()) before it is sent. */
  UPLOAD_RESUMABLE_PART_SIZE_BYTES: z.coerce.number().int().min(5 * 1024 * 1024).default(8 * 1024 * 1024),
  /** Parts sent to S3 at once per replica: with the PATCHes in flight, it bounds the temporary disk. */
  UPLOAD_RESUMABLE_PART_UPLOADS: positiveInt(4),
  S3_ENDPOINT: httpUrl.default('http://127.0.0.1:9000'),
  /** Host clients use for presigned URLs (e.g. http://localhost:9000 when S3_ENDPOINT is a compose name). */
  S3_PUBLIC_ENDPOINT: z.preprocess((value) => (value === '' ? undefined : value), httpUrl.optional()),
  S3_ACCESS_KEY: z.string().min(1).default('S3RVER'),
  S3_SECRET_KEY: z.string().min(1).default('S3RVER'),
  S3_BUCKET: z.string().min(3).default('toolsplatform-uploads'),
  S3_REGION: z.string().min(1).default('us-east-1'),
};

export interface S3Settings {
  endpoint: string;
  publicEndpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
  partSizeBytes: number;
}

export type UploadConfig = ReturnType<typeof loadUploadConfig>;

export function loadUploadConfig(env?: Env) {
  return loadServiceConfig(
    {
      ports: servicePorts(serviceSpec('upload')),
      pieces: {
        database: databaseConfig,
        redisUrl: redisConfig,
        auth: keycloakConfig,
        flags: featureFlagConfig,
        entitlements: entitlementConfig,
        storage: storageConfig,
        // TRUSTED_PROXIES: the edge's addresses (anonymous quota and slots are per client IP).
        clients: clientIdentityConfig,
        // The worker process (worker-main.ts) reads this same config and listens on its own ports.
        workerPorts: servicePorts(serviceSpec('upload-worker')),
      },
      env: uploadEnv,
      rules: [
        {
          path: 'UPLOAD_IP_HASH_SECRET',
          check: (parsed) => parsed.NODE_ENV !== 'production' || parsed.UPLOAD_IP_HASH_SECRET !== DEV_IP_HASH_SECRET,
          message: 'set a real secret in production',
        },
      ],
      settings: (parsed) => ({
        slots: { prefix: parsed.UPLOAD_SLOT_PREFIX },
        pace: { minBytesPerSecond: parsed.UPLOAD_MIN_BYTES_PER_SECOND, windowMs: parsed.UPLOAD_MIN_RATE_WINDOW_MS },
        ipHashSecret: parsed.UPLOAD_IP_HASH_SECRET,
        anonymousTtlMs: parsed.ANONYMOUS_UPLOAD_TTL_HOURS * 3_600_000,
        anonymousQuota: {
          files: parsed.ANONYMOUS_QUOTA_FILES,
          bytes: parsed.ANONYMOUS_QUOTA_BYTES,
          windowMs: parsed.ANONYMOUS_QUOTA_WINDOW_HOURS * 3_600_000,
          storageCapBytes: parsed.ANONYMOUS_STORAGE_CAP_BYTES,
        },
        downloadUrlTtlSeconds: parsed.UPLOAD_DOWNLOAD_URL_TTL_SECONDS,
        requestTimeoutMs: parsed.UPLOAD_REQUEST_TIMEOUT_MS,
        s3: {
          endpoint: parsed.S3_ENDPOINT,
          publicEndpoint: parsed.S3_PUBLIC_ENDPOINT ?? parsed.S3_ENDPOINT,
          accessKey: parsed.S3_ACCESS_KEY,
          secretKey: parsed.S3_SECRET_KEY,
          bucket: parsed.S3_BUCKET,
          region: parsed.S3_REGION,
          partSizeBytes: parsed.UPLOAD_PART_SIZE_BYTES,
        } satisfies S3Settings as S3Settings,
        queue: {
          name: parsed.UPLOAD_QUEUE_NAME,
          prefix: parsed.UPLOAD_QUEUE_PREFIX,
          attempts: parsed.UPLOAD_JOB_ATTEMPTS,
          backoffMs: parsed.UPLOAD_JOB_BACKOFF_MS,
        },
        resumable: {
          ttlMs: parsed.UPLOAD_RESUMABLE_TTL_HOURS * 3_600_000,
          lockTtlMs: parsed.UPLOAD_RESUMABLE_LOCK_TTL_MS,
          prefix: parsed.UPLOAD_RESUMABLE_PREFIX,
          partSizeBytes: parsed.UPLOAD_RESUMABLE_PART_SIZE_BYTES,
          partUploads: parsed.UPLOAD_RESUMABLE_PART_UPLOADS,
        },
        worker: { concurrency: parsed.UPLOAD_WORKER_CONCURRENCY, sweepIntervalMs: parsed.UPLOAD_SWEEP_INTERVAL_MS },
      }),
    },
    env,
  );
}

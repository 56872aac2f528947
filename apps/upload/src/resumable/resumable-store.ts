import { S3Store, type MetadataValue } from '@tus/s3-store';
import type { KvStore } from '@tus/utils';
import type { S3Settings } from '../config';

/** The public path of the resumable routes: tus builds `Location` from it (the edge forwards paths unchanged). */
export const RESUMABLE_PATH = '/api/v1/upload/resumable';

export interface ResumableSettings {
  /** UPLOAD_RESUMABLE_TTL_HOURS: an unfinished upload expires this long after creation. */
  ttlMs: number;
  lockTtlMs: number;
  /** Redis key prefix of the locks and the metadata cache. */
  prefix: string;
  /** One S3 part, buffered on local disk before it is sent. */
  partSizeBytes: number;
  /** Parts sent to S3 at once per replica. */
  partUploads: number;
}

/**
 * What @tus/s3-store leaves beside the file (`<id>`, the upload's object key): `<id>.info` (the
 * upload's metadata) and `<id>.part` (a trailing piece smaller than an S3 part, between PATCHes).
 */
export const sideObjectKeys = (id: string): string[] => [`${id}.info`, `${id}.part`];

/**
 * @tus/s3-store on the upload bucket (AWS SDK: it needs ListParts and AbortMultipartUpload), with
 * its metadata cache in Redis. Deferred length and concatenation are not offered: the tier rules
 * are decided at creation from Upload-Length. Each PATCH buffers at most one part on local disk
 * (os.tmpdir()), and `partUploads` parts at once wait there for S3.
 */
export function createResumableStore(s3: S3Settings, settings: ResumableSettings, cache: KvStore<MetadataValue>): S3Store {
  const store = new S3Store({
    partSize: settings.partSizeBytes,
    maxConcurrentPartUploads: settings.partUploads,
    expirationPeriodInMilliseconds: settings.ttlMs,
    // Expiry is the resumable sweep's (rows and S3 together), not an S3 lifecycle rule on tags.
    useTags: false,
    cache,
    s3ClientConfig: {
      bucket: s3.bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
    },
  });
  store.extensions = ['creation', 'creation-with-upload', 'termination', 'expiration'];
  return store;
}

import { Metadata } from '@tus/utils';
import type { Identity } from '@tp/auth';
import { withDatabase, type UploadRow } from '@tp/db';
import { GoneError, NotFoundError, ValidationError } from '@tp/errors';
import type { Tier } from '@tp/tiers';
import type { AccountStorageQuota } from '../quota/account-storage-quota';
import { sanitizeFilename } from '../uploads/sanitize-filename';
import type { UploadContext } from '../uploads/upload-context';
import { batchNotAllowed, tooLarge } from '../uploads/upload-errors';
import { refusal } from '../uploads/upload-outcome';
import type { UploadService } from '../uploads/upload-service';
import type { UploadStore } from '../uploads/upload-store';
import type { ResumableRows } from './resumable-rows';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LENGTH = /^\d{1,16}$/;
/** A batch id a client chooses (Upload-Metadata `batch`): short and plain. */
const BATCH_ID = /^[\w-]{1,64}$/;

export interface ResumableServiceDeps {
  uploads: UploadService;
  store: UploadStore;
  rows: ResumableRows;
  accountQuota: AccountStorageQuota;
  ttlMs: number;
  clock: () => Date;
}

/** The tus request headers creation reads (Express lower-cases them). */
export type CreationHeaders = Record<string, string | string[] | undefined>;

export interface CreatedUpload {
  id: string;
  context: UploadContext;
}

const header = (headers: CreationHeaders, name: string) => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

function metadataOf(headers: CreationHeaders): Record<string, string | null> {
  const raw = header(headers, 'upload-metadata');
  if (!raw) return {};
  try {
    return Metadata.parse(raw);
  } catch {
    throw refusal('rejected', new ValidationError('Upload-Metadata must be comma-separated `key base64value` pairs'));
  }
}

/**
 * Resumable uploads' rules, decided once at creation (tier, size, quota, batch) and checked again
 * on every later request (owner, expiry). The upload's id is its uploads row's id.
 */
export class ResumableService {
  constructor(private readonly deps: ResumableServiceDeps) {}

  /** What a signed-in caller may do now (the multipart uploads' context: tier, limits, slots). */
  contextFor(identity: Identity, clientIp: string): Promise<UploadContext> {
    return this.deps.uploads.contextFor(identity, clientIp);
  }

  /**
   * Refuses before a byte is stored: no Upload-Length (deferred or concatenated uploads are not
   * offered), a length past the tier's file limit (413), a batch the tier or flag does not allow,
   * or the account's storage quota (429). Then the declared length is reserved and the row claimed.
   */
  async create(context: UploadContext, headers: CreationHeaders): Promise<CreatedUpload> {
    if (header(headers, 'upload-concat') !== undefined) throw refusal('rejected', new ValidationError('Upload-Concat is not supported'));
    const declared = header(headers, 'upload-length');
    if (declared === undefined || !LENGTH.test(declared)) {
      throw refusal('rejected', new ValidationError('Upload-Length is required: the size of the whole file, in bytes (no deferred length)'));
    }
    const length = Number(declared);
    const metadata = metadataOf(headers);
    if (length > context.maxFileSizeBytes) throw tooLarge(context, context.maxFileSizeBytes);
    const userId = context.userId!;
    const batchId = await this.checkBatch(context, userId, metadata['batch'] ?? undefined);
    const tier = context.tier as Tier;
    const reservation = await this.deps.accountQuota.reserve({ userId, tier, bytes: length });
    const name = sanitizeFilename(metadata['filename'] ?? metadata['name'] ?? 'file');
    const resumableExpiresAt = new Date(this.deps.clock().getTime() + this.deps.ttlMs);
    await withDatabase(() => this.deps.rows.claim(reservation.id, { objectKey: reservation.id, name, resumableExpiresAt, ...(batchId ? { batchId } : {}) }));
    return { id: reservation.id, context };
  }

  /** A creation tus could not complete: its reservation stops counting. */
  async abandon(id: string): Promise<void> {
    await this.deps.accountQuota.release({ id, objectKey: id });
  }

  /**
   * The caller's unfinished or finished resumable upload; anyone else's (or an unknown id) is a
   * 404, one expired (swept or not yet) or terminated is a 410 for its owner.
   */
  async owned(id: string, context: UploadContext): Promise<UploadRow> {
    if (!UUID.test(id)) throw new NotFoundError('Upload not found');
    const row = await withDatabase(() => this.deps.store.findById(id));
    if (!row) {
      const tombstone = await withDatabase(() => this.deps.store.findExpiredTombstone(id));
      if (tombstone?.userId && tombstone.userId === context.userId) throw new GoneError('This upload has expired and is no longer available');
      throw new NotFoundError('Upload not found');
    }
    if (row.userId !== context.userId || !row.resumableExpiresAt) throw new NotFoundError('Upload not found');
    const expired = row.status === 'uploading' && row.resumableExpiresAt.getTime() <= this.deps.clock().getTime();
    if (expired || row.status === 'failed') throw new GoneError('This upload has expired or was terminated and is no longer available');
    return row;
  }

  /** PREMIUM batches group resumable uploads by a `batch` id: counted like a multipart batch's files. */
  private async checkBatch(context: UploadContext, userId: string, batchId: string | undefined): Promise<string | undefined> {
    if (batchId === undefined) return undefined;
    if (!BATCH_ID.test(batchId)) throw refusal('rejected', new ValidationError('Upload-Metadata `batch` must be 1–64 letters, digits, `_` or `-`'));
    if (context.tier !== 'PREMIUM' || !context.batchEnabled) throw batchNotAllowed(context);
    if ((await withDatabase(() => this.deps.rows.batchSize(userId, batchId))) >= context.maxFiles) throw batchNotAllowed(context);
    return batchId;
  }
}

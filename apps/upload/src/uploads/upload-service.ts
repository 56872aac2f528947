import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Identity } from '@tp/auth';
import { withDatabase, type UploadRow } from '@tp/db';
import type { UserAccounts } from '@tp/entitlements';
import { GoneError, NotFoundError, ServiceUnavailableError, ValidationError } from '@tp/errors';
import { clientKeys } from '@tp/http';
import type { Logger } from '@tp/logging';
import { maxUploadRequestBytes, type Tier } from '@tp/tiers';
import type { ProcessingQueue } from '../queue/processing-queue';
import type { ObjectStorage } from '../storage/object-storage';
import { FAILURE_REASONS, type FailureReason } from './failure-reasons';
import type { UploadContext } from './upload-context';
import { limitsForUploader, type UploaderTier } from './uploader-tier';
import { tooLarge } from './upload-errors';
import { refusal } from './upload-outcome';
import type { StoredFile } from './s3-storage-engine';
import type { UploadStore } from './upload-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface UploadServiceSettings {
  ipHashSecret: string;
  /** CLIENT_IPV6_PREFIX: the IPv6 network that is one anonymous client. */
  ipv6Prefix: number;
  anonymousTtlMs: number;
  downloadUrlTtlSeconds: number;
  /** The `premium-tools` flag for this caller (env kill switch, then the DB flag): gates batches. */
  premiumToolsEnabled: (caller: { userId: string; tier: Tier } | undefined) => Promise<boolean>;
}

export interface UploadStatus {
  id: string;
  name: string;
  status: UploadRow['status'];
  size: number | null;
  sha256: string | null;
  mime: string | null;
  createdAt: string;
  expiresAt?: string;
  failureReason?: string;
  downloadUrl?: string;
  downloadUrlExpiresAt?: string;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest();

/** Who may upload what, queueing of stored files, and the status read-back. */
export class UploadService {
  constructor(
    private readonly uploads: UploadStore,
    private readonly accounts: UserAccounts,
    private readonly storage: ObjectStorage,
    private readonly queue: ProcessingQueue,
    private readonly settings: UploadServiceSettings,
    private readonly logger: Logger,
    private readonly clock: () => Date,
  ) {}

  /**
   * Decided once, before the body is read: the tier comes from the shared entitlement rule
   * (role OR subscription), and an upload already streaming keeps the limit it started with.
   */
  async contextFor(identity: Identity | undefined, clientIp: string): Promise<UploadContext> {
    if (identity) {
      const { user, tier } = await this.accounts.sync(identity);
      const batchEnabled = await this.settings.premiumToolsEnabled({ userId: identity.userId, tier });
      return { tier, ...limitsForUploader(tier), batchEnabled, filesSeen: 0, userId: user.id, slotOwner: `user:${user.id}` };
    }
    const tier: UploaderTier = 'ANONYMOUS';
    const batchEnabled = await this.settings.premiumToolsEnabled(undefined);
    // One client is its clientKey (IPv6: its /64); only keyed hashes are kept, never the address itself.
    const keys = clientKeys(clientIp, this.settings.ipv6Prefix);
    const hash = (value: string) => createHmac('sha256', this.settings.ipHashSecret).update(value).digest('hex');
    const ipHash = hash(keys.client);
    return {
      tier,
      ...limitsForUploader(tier),
      batchEnabled,
      filesSeen: 0,
      slotOwner: `ip:${ipHash}`,
      ipHash,
      ipNetworkHash: hash(keys.network),
      expiresAt: new Date(this.clock().getTime() + this.settings.anonymousTtlMs),
    };
  }

  /** Refuses a body whose declared length cannot fit the tier before a byte is read. */
  checkDeclaredLength(contentLength: string | undefined, context: UploadContext): void {
    if (contentLength === undefined) return;
    const declared = Number(contentLength);
    const max = maxUploadRequestBytes({ maxFilesPerRequest: context.maxFiles, maxFileSizeBytes: context.maxFileSizeBytes });
    if (Number.isFinite(declared) && declared > max) throw tooLarge(context, context.maxFileSizeBytes);
  }

  /** Marks the request's stored files queued and enqueues one processing job each (with its requestId, for the worker's log). */
  async queueAll(files: StoredFile[], context: UploadContext, requestId: string): Promise<void> {
    if (files.length === 0) throw refusal('rejected', new ValidationError('No file: send one in the multipart field `file`'));
    const ids = files.map((file) => file.id);
    await withDatabase(() => this.uploads.markQueued(ids));
    try {
      for (const id of ids) await this.queue.enqueue(id, context.tier, requestId);
    } catch (err) {
      await this.discardAll(files, FAILURE_REASONS.queue);
      throw refusal('unavailable', new ServiceUnavailableError('Processing queue unavailable, retry shortly', { cause: err }));
    }
  }

  private async discardAll(files: StoredFile[], reason: FailureReason): Promise<void> {
    for (const file of files) {
      await this.storage.remove(file.objectKey).catch((err: unknown) => this.logger.warn({ err }, 'Could not remove an upload'));
      await this.uploads.markFailed(file.id, reason).catch(() => undefined);
    }
  }

  /**
   * The owner's view, or the anonymous token holder's; anyone else gets 404. Past its expiry
   * (swept or not yet) the owner gets 410: the upload existed and is gone for good.
   */
  async status(id: string, identity: Identity | undefined, token: string | undefined): Promise<UploadStatus> {
    if (!UUID.test(id)) throw new NotFoundError('Upload not found');
    const row = await withDatabase(() => this.uploads.findById(id));
    const owned = row ?? (await withDatabase(() => this.uploads.findExpiredTombstone(id)));
    if (!owned || !(await this.mayRead(owned, identity, token))) throw new NotFoundError('Upload not found');
    if (!row || (row.expiresAt && row.expiresAt.getTime() <= this.clock().getTime())) {
      throw new GoneError('This upload has expired and is no longer available');
    }
    return this.describe(row);
  }

  private async mayRead(row: Pick<UploadRow, 'userId' | 'tokenHash'>, identity: Identity | undefined, token: string | undefined): Promise<boolean> {
    if (row.userId) return identity !== undefined && (await this.accounts.find(identity))?.user.id === row.userId;
    if (!row.tokenHash || !token) return false;
    const expected = Buffer.from(row.tokenHash, 'hex');
    const given = hashToken(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private async describe(row: UploadRow): Promise<UploadStatus> {
    const status: UploadStatus = {
      id: row.id,
      name: row.name,
      status: row.status,
      size: row.size,
      sha256: row.sha256,
      mime: row.mime,
      createdAt: row.createdAt.toISOString(),
    };
    if (row.expiresAt) status.expiresAt = row.expiresAt.toISOString();
    if (row.status === 'failed' && row.failureReason) status.failureReason = row.failureReason;
    if (row.status === 'ready') {
      const ttl = this.settings.downloadUrlTtlSeconds;
      status.downloadUrl = await this.storage.presignDownload(row.objectKey, ttl, row.name);
      status.downloadUrlExpiresAt = new Date(this.clock().getTime() + ttl * 1000).toISOString();
    }
    return status;
  }
}

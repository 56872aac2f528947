import type { Request } from 'express';
import type { Reservation } from '../quota/reservation-rows';
import type { StoredFile } from './s3-storage-engine';
import type { UploaderTier } from './uploader-tier';

/** What one upload request may do and who it belongs to; set before the intake reads the body. */
export interface UploadContext {
  tier: UploaderTier;
  maxFileSizeBytes: number;
  maxFiles: number;
  /** Uploads this account (or anonymous client) may have in flight at once (UPLOAD_MAX_CONCURRENT, libs/tiers). */
  maxConcurrent: number;
  /** Whose upload slots this request takes: `user:<id>`, or `ip:<ipHash>` for an anonymous client. */
  slotOwner: string;
  /** The `premium-tools` flag for this caller (kill switch, then the DB flag): batches are a PREMIUM tool. */
  batchEnabled: boolean;
  userId?: string;
  /** Anonymous: HMACs of the client key and of its wider network (clientKeys, libs/http), never the address. */
  ipHash?: string;
  ipNetworkHash?: string;
  expiresAt?: Date;
  /** The quota's reservation row (anonymous or account), filled by the storage engine's next file. */
  reservation?: Reservation;
  /** Signed-in uploads: reserves the storage of a batch's next file (429 past the account's quota). */
  reserveNext?: () => Promise<Reservation>;
  /** Bytes of the files this request stored so far (a batch's next reservation is what remains). */
  storedBytes?: number;
  /** Files seen so far in this request (batch detection). */
  filesSeen: number;
  /** The first failure of the request's body, answered as soon as the intake cleaned up. */
  failure?: unknown;
  /** The files the intake stored, in body order (set once the whole body was read). */
  stored?: StoredFile[];
  /** Settles when the batch's file being stored now is done: the next file waits for it. */
  storing?: Promise<void>;
}

const contexts = new WeakMap<Request, UploadContext>();

export function setUploadContext(req: Request, context: UploadContext): void {
  contexts.set(req, context);
}

/** The context when the request got that far (metrics read it after the response). */
export function findUploadContext(req: Request): UploadContext | undefined {
  return contexts.get(req);
}

export function uploadContextOf(req: Request): UploadContext {
  const context = contexts.get(req);
  if (!context) throw new Error('Upload context missing: the context middleware must run before the intake');
  return context;
}

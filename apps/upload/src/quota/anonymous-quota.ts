import { withDatabase } from '@tp/db';
import { TooManyRequestsError } from '@tp/errors';
import { opaqueObjectKey } from '../storage/opaque-object-key';
import { refusal } from '../uploads/upload-outcome';
import type { AnonymousQuotaStore, CountedUpload, StoredAnonymous } from './anonymous-quota-store';
import type { Reservation } from './reservation-rows';

export interface AnonymousQuotaSettings {
  /** Files per IP hash in the rolling window. */
  files: number;
  /** Bytes per IP hash in the rolling window. */
  bytes: number;
  windowMs: number;
  /** Every stored (or streaming) anonymous upload together. */
  storageCapBytes: number;
}

/** The wider network (an IPv6 /48) may upload this many times a client's files and bytes. */
export const NETWORK_QUOTA_FACTOR = 10;

export interface ReservationRequest {
  ipHash: string;
  /** The client's wider network (clientKeys' `network`), hashed like `ipHash`. */
  ipNetworkHash: string;
  expiresAt: Date;
  /** What the upload may grow to: its declared length or the file limit, whichever is smaller. */
  bytes: number;
}

const SIGN_IN = 'sign in to upload more';

/** Seconds until `at` (at least 1: Retry-After 0 would invite a retry loop). */
const secondsUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / 1000));

/** When the oldest counted uploads have left the window far enough for `fits` to hold. */
function freedAt(counted: CountedUpload[], windowMs: number, fits: (left: CountedUpload[]) => boolean): number {
  for (let leaving = 1; leaving <= counted.length; leaving += 1) {
    if (fits(counted.slice(leaving))) return counted[leaving - 1]!.createdAt.getTime() + windowMs;
  }
  return (counted.at(-1)?.createdAt.getTime() ?? 0) + windowMs;
}

/**
 * Anonymous uploads per client (IP hash) over a rolling window, files and bytes, and a cap on
 * all anonymous bytes. The counters are the uploads rows themselves: a reservation row is
 * inserted before the body streams (under one lock, so concurrent uploads cannot overshoot),
 * filled by the storage engine, and released (marked failed) when no file filled it.
 */
export class AnonymousQuota {
  constructor(
    private readonly store: AnonymousQuotaStore,
    private readonly settings: AnonymousQuotaSettings,
    private readonly clock: () => Date,
  ) {}

  /** A reservation row for this upload, or 429 with Retry-After past a quota. */
  reserve(request: ReservationRequest): Promise<Reservation> {
    return withDatabase(() =>
      this.store.locked(async (tx) => {
        const now = this.clock().getTime();
        const since = new Date(now - this.settings.windowMs);
        const client = await this.store.countedSince(tx, 'client', request.ipHash, since);
        const refusal =
          this.checkClient(client, request.bytes, now, 'client') ??
          this.checkClient(await this.store.countedSince(tx, 'network', request.ipNetworkHash, since), request.bytes, now, 'network') ??
          this.checkStorage(await this.store.storedAnonymous(tx), request.bytes, now);
        if (refusal) throw refusal;
        return this.store.insertReservation(tx, {
          objectKey: opaqueObjectKey(),
          ipHash: request.ipHash,
          ipNetworkHash: request.ipNetworkHash,
          expiresAt: request.expiresAt,
          reservedBytes: request.bytes,
        });
      }),
    );
  }

  release(reservation: Reservation): Promise<void> {
    return withDatabase(() => this.store.release(reservation.id));
  }

  /** One client's quota, or (`network`) its wider network's at NETWORK_QUOTA_FACTOR times the numbers. */
  private checkClient(counted: CountedUpload[], bytes: number, now: number, scope: 'client' | 'network'): TooManyRequestsError | undefined {
    const factor = scope === 'client' ? 1 : NETWORK_QUOTA_FACTOR;
    const [files, byteQuota, windowMs] = [this.settings.files * factor, this.settings.bytes * factor, this.settings.windowMs];
    const hours = Math.round(windowMs / 3_600_000);
    const who = scope === 'client' ? 'Anonymous uploads' : 'Anonymous uploads from one network';
    const sum = (uploads: CountedUpload[]) => uploads.reduce((total, upload) => total + upload.bytes, 0);
    if (counted.length + 1 > files) {
      const at = freedAt(counted, windowMs, (left) => left.length + 1 <= files);
      return refuse(`${who} are limited to ${files} files per ${hours} h: ${SIGN_IN}, or retry later`, secondsUntil(at, now), {
        quota: 'files',
        scope,
        limit: files,
      });
    }
    if (sum(counted) + bytes > byteQuota) {
      const at = freedAt(counted, windowMs, (left) => sum(left) + bytes <= byteQuota);
      return refuse(`${who} are limited to ${byteQuota} bytes per ${hours} h: ${SIGN_IN}, or retry later`, secondsUntil(at, now), {
        quota: 'bytes',
        scope,
        limit: byteQuota,
      });
    }
    return undefined;
  }

  private checkStorage(stored: StoredAnonymous, bytes: number, now: number): TooManyRequestsError | undefined {
    if (stored.bytes + bytes <= this.settings.storageCapBytes) return undefined;
    // Bytes come free when the next anonymous upload expires and is swept (every few minutes).
    const at = Math.max(stored.nextExpiry?.getTime() ?? now + this.settings.windowMs, now + 60_000);
    return refuse(`Anonymous uploads are paused while their storage is full: ${SIGN_IN}, or retry later`, secondsUntil(at, now), {
      quota: 'storage',
    });
  }
}

function refuse(message: string, retryAfterSeconds: number, details: Record<string, unknown>): TooManyRequestsError {
  const error = new TooManyRequestsError(message, { headers: { 'Retry-After': String(retryAfterSeconds) }, details: { ...details, retryAfterSeconds } });
  return refusal('over_quota', error);
}

import { withDatabase } from '@tp/db';
import { TooManyRequestsError } from '@tp/errors';
import { exceededQuota, UPGRADE_URL, type StorageLimits, type StorageQuota, type StorageSettings, type StorageUsage, type Tier } from '@tp/tiers';
import { opaqueObjectKey } from '../storage/opaque-object-key';
import { refusal } from '../uploads/upload-outcome';
import type { AccountStorageQuotaStore, HeldUpload } from './account-storage-quota-store';
import type { Reservation } from './reservation-rows';

export interface AccountReservationRequest {
  userId: string;
  tier: Tier;
  /** What the file may grow to: the declared length or the file limit, whichever is smaller. */
  bytes: number;
}

/** Seconds until `at` (at least 1: Retry-After 0 would invite a retry loop). */
const secondsUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / 1000));

const sum = (held: HeldUpload[]) => held.reduce((total, upload) => total + upload.bytes, 0);

/** When enough of `held` (in the order they go) has gone for `fits` to hold; `fallback` if never. */
function freedAt(held: HeldUpload[], goesAt: (upload: HeldUpload) => number, fits: (left: HeldUpload[]) => boolean, fallback: number): number {
  const ordered = [...held].sort((a, b) => goesAt(a) - goesAt(b));
  for (let going = 1; going <= ordered.length; going += 1) {
    if (fits(ordered.slice(going))) return goesAt(ordered[going - 1]!);
  }
  return fallback;
}

const WORDS: Record<StorageQuota, (limits: StorageLimits, hours: number) => string> = {
  stored: (limits) => `Your storage is full (${limits.storedBytes} bytes at once): wait for older uploads to expire`,
  files: (limits, hours) => `Uploads are limited to ${limits.windowFiles} files per ${hours} h`,
  bytes: (limits, hours) => `Uploads are limited to ${limits.windowBytes} bytes per ${hours} h`,
};

/**
 * Storage per account, by tier (libs/tiers): bytes held at once, and files and bytes per rolling
 * window. As with the anonymous quota, the counters are the uploads rows: each file's row is
 * inserted as a reservation before its bytes are read (under the account's lock, so concurrent
 * uploads cannot overshoot), filled by the storage engine (its size then replaces the
 * reservation), and released (marked failed) when no file filled it.
 */
export class AccountStorageQuota {
  constructor(
    private readonly store: AccountStorageQuotaStore,
    private readonly settings: StorageSettings,
    private readonly clock: () => Date,
  ) {}

  /** When an upload of this tier made now expires. */
  expiryFor(tier: Tier): Date {
    return new Date(this.clock().getTime() + this.settings.tiers[tier].retentionMs);
  }

  /** A reservation row for the next file, or 429 with Retry-After and details.quota past a limit. */
  reserve(request: AccountReservationRequest): Promise<Reservation> {
    const limits = this.settings.tiers[request.tier];
    return withDatabase(() =>
      this.store.locked(request.userId, async (tx) => {
        const now = this.clock();
        const usage = await this.store.usage(tx, request.userId, now, this.settings.windowMs);
        const quota = exceededQuota(limits, usage, request.bytes);
        if (quota) throw this.refuse(quota, request, usage, await this.store.held(tx, request.userId), now.getTime());
        return this.store.insertReservation(tx, {
          objectKey: opaqueObjectKey(),
          userId: request.userId,
          tier: request.tier,
          expiresAt: new Date(now.getTime() + limits.retentionMs),
          reservedBytes: request.bytes,
        });
      }),
    );
  }

  release(reservation: Reservation): Promise<void> {
    return withDatabase(() => this.store.release(reservation.id));
  }

  private refuse(quota: StorageQuota, request: AccountReservationRequest, usage: StorageUsage, held: HeldUpload[], now: number): TooManyRequestsError {
    const limits = this.settings.tiers[request.tier];
    const retryAfterSeconds = secondsUntil(this.freedAtFor(quota, limits, request.bytes, held, now), now);
    const used = { stored: usage.storedBytes, files: usage.windowFiles, bytes: usage.windowBytes }[quota];
    const limit = { stored: limits.storedBytes, files: limits.windowFiles, bytes: limits.windowBytes }[quota];
    const message = `${WORDS[quota](limits, Math.round(this.settings.windowMs / 360_000) / 10)} on the ${request.tier} tier`;
    const error = new TooManyRequestsError(request.tier === 'PREMIUM' ? message : `${message}, or upgrade`, {
      headers: { 'Retry-After': String(retryAfterSeconds) },
      details: { quota, limit, used, requested: quota === 'files' ? 1 : request.bytes, tier: request.tier, retryAfterSeconds },
      ...(request.tier === 'PREMIUM' ? {} : { upgradeUrl: UPGRADE_URL }),
    });
    return refusal('over_quota', error);
  }

  /** When the quota has room for this file again: held bytes go at expiry, window counts at creation + window. */
  private freedAtFor(quota: StorageQuota, limits: StorageLimits, bytes: number, held: HeldUpload[], now: number): number {
    const { windowMs } = this.settings;
    if (quota === 'stored') {
      const live = held.filter((upload) => !upload.expiresAt || upload.expiresAt.getTime() > now);
      // A row without an expiry (none since migration 0006) never goes: then one retention from now.
      const fallback = now + limits.retentionMs;
      const expiry = (upload: HeldUpload) => upload.expiresAt?.getTime() ?? Number.MAX_SAFE_INTEGER;
      const at = freedAt(live, expiry, (left) => sum(left) + bytes <= limits.storedBytes, fallback);
      return at === Number.MAX_SAFE_INTEGER ? fallback : at;
    }
    const counted = held.filter((upload) => upload.createdAt.getTime() > now - windowMs);
    const leaves = (upload: HeldUpload) => upload.createdAt.getTime() + windowMs;
    const fits = quota === 'files' ? (left: HeldUpload[]) => left.length + 1 <= limits.windowFiles : (left: HeldUpload[]) => sum(left) + bytes <= limits.windowBytes;
    return freedAt(counted, leaves, fits, now + windowMs);
  }
}

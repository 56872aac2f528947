import type { Logger } from '@tp/logging';
import { sideObjectKeys } from '../resumable/resumable-store';
import type { ObjectStorage } from '../storage/object-storage';
import type { UploadStore } from '../uploads/upload-store';

export interface SweepDeps {
  uploads: UploadStore;
  storage: ObjectStorage;
  clock: () => Date;
  logger: Logger;
}

const BATCH = 100;
/** How long a swept upload's status read still answers 410 (then 404, as for any unknown id). */
const TOMBSTONE_TTL_MS = 90 * 24 * 3_600_000;

/**
 * Deletes uploads past their expiry (anonymous, and signed-in by tier retention): the object
 * first, then the row (leaving a tombstone for the 410), so a crash in between leaves a row the
 * next sweep retries rather than an orphaned object. Idempotent, so several worker replicas may
 * sweep at once.
 */
export async function sweepExpiredUploads(deps: SweepDeps): Promise<number> {
  let removed = 0;
  for (;;) {
    const expired = await deps.uploads.findExpired(deps.clock(), BATCH);
    for (const row of expired) {
      await deps.storage.remove(row.objectKey);
      // A resumable upload's file has tus's metadata (and perhaps a trailing part) beside it.
      if (row.resumableExpiresAt) for (const key of sideObjectKeys(row.objectKey)) await deps.storage.remove(key);
      await deps.uploads.retire(row);
      removed += 1;
    }
    if (expired.length < BATCH) break;
  }
  await deps.uploads.purgeTombstones(new Date(deps.clock().getTime() - TOMBSTONE_TTL_MS));
  if (removed > 0) deps.logger.info({ removed }, 'Swept expired uploads');
  return removed;
}

/**
 * Sweeps now and then every `intervalMs` for as long as the worker runs; a failed sweep is only
 * logged (the rows stay and the next sweep retries them). Returns what stops the schedule.
 */
export function scheduleExpirySweep(deps: SweepDeps, intervalMs: number): () => void {
  const sweep = () => sweepExpiredUploads(deps).catch((err: unknown) => deps.logger.warn({ err }, 'Expiry sweep failed'));
  const timer = setInterval(sweep, intervalMs);
  void sweep();
  return () => clearInterval(timer);
}

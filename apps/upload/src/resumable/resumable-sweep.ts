import type { Logger } from '@tp/logging';
import type { ResumableLifecycle } from './resumable-lifecycle';

export interface ResumableSweepDeps {
  lifecycle: ResumableLifecycle;
  clock: () => Date;
  logger: Logger;
}

export interface ResumableSweepCounts {
  expired: number;
  finished: number;
}

const BATCH = 100;
/** A finish younger than this may still be running on a replica (it measures the file): left alone. */
export const FINISH_GRACE_MS = 60_000;

/**
 * Runs from the worker (beside sweep-expired.ts), idempotent so several replicas may sweep at once:
 * unfinished resumable uploads past UPLOAD_RESUMABLE_TTL_HOURS lose their S3 multipart upload,
 * parts and side objects and their row (410 from then on); finished ones whose finish never
 * queued them (a replica killed after the last byte) or whose job never got enqueued are finished.
 */
export async function sweepResumableUploads(deps: ResumableSweepDeps): Promise<ResumableSweepCounts> {
  const { lifecycle } = deps;
  const now = deps.clock();
  let expired = 0;
  for (;;) {
    const rows = await lifecycle.rows.findExpired(now, BATCH);
    for (const row of rows) {
      await lifecycle.expire(row);
      expired += 1;
    }
    if (rows.length < BATCH) break;
  }
  let finished = 0;
  const before = new Date(now.getTime() - FINISH_GRACE_MS);
  for (const row of await lifecycle.rows.findStale('uploading', before, BATCH)) {
    if (await lifecycle.isComplete(row.id)) {
      await lifecycle.finish(row.id);
      finished += 1;
    } else await lifecycle.rows.touch(row.id);
  }
  for (const row of await lifecycle.rows.findStale('queued', before, BATCH)) {
    if (await lifecycle.hasJob(row.id)) await lifecycle.rows.touch(row.id);
    else {
      await lifecycle.finish(row.id);
      finished += 1;
    }
  }
  if (expired + finished > 0) deps.logger.info({ expired, finished }, 'Swept resumable uploads');
  return { expired, finished };
}

/** Sweeps now and every `intervalMs` while the worker runs; a failed sweep is only logged. Returns what stops it. */
export function scheduleResumableSweep(deps: ResumableSweepDeps, intervalMs: number): () => void {
  const sweep = () => sweepResumableUploads(deps).catch((err: unknown) => deps.logger.warn({ err }, 'Resumable sweep failed'));
  const timer = setInterval(sweep, intervalMs);
  void sweep();
  return () => clearInterval(timer);
}

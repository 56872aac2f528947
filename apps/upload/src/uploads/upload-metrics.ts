import { Counter, Histogram, type Registry } from '@tp/metrics';
import type { UploadOutcome } from './upload-outcome';
import type { UploaderTier } from './uploader-tier';

const MB = 1024 * 1024;

/** How an upload came in: the `via` label of `uploads_total`. */
export type UploadVia = 'multipart' | 'resumable';

/**
 * Counts one upload, called where its outcome is decided: `stored` once its files are queued,
 * any other outcome by the error that ended it. Multipart: once per request; resumable: once per
 * upload (its refused creation, or its finish), never per PATCH. Requests refused before their
 * tier is known (no token, registration closed) are not counted.
 */
export interface CountUpload {
  stored: (tier: UploaderTier, files: readonly { size: number }[]) => void;
  failed: (tier: UploaderTier, outcome: Exclude<UploadOutcome, 'stored'>) => void;
}

export type UploadCounters = Record<UploadVia, CountUpload>;

export const UNCOUNTED: CountUpload = { stored: () => undefined, failed: () => undefined };

/**
 * `upload_size_bytes{tier}` (each stored file, however it came in) and `uploads_total{tier,
 * outcome, via}` (each upload): one counter for both ways in, so sums over it stay the total.
 */
export function uploadCounters(registry: Registry): UploadCounters {
  const sizes = new Histogram({
    name: 'upload_size_bytes',
    help: 'Size of each stored upload by tier (PREMIUM, FREE, ANONYMOUS)',
    labelNames: ['tier'] as const,
    buckets: [0.1 * MB, MB, 5 * MB, 10 * MB, 15 * MB, 50 * MB, 100 * MB, 200 * MB],
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'uploads_total',
    help: 'Uploads by tier, outcome (stored, too_large, forbidden, over_quota, rejected, unavailable, error) and via (multipart, resumable)',
    labelNames: ['tier', 'outcome', 'via'] as const,
    registers: [registry],
  });
  const countVia = (via: UploadVia): CountUpload => ({
    stored: (tier, files) => {
      outcomes.inc({ tier, outcome: 'stored', via });
      for (const file of files) sizes.observe({ tier }, file.size);
    },
    failed: (tier, outcome) => outcomes.inc({ tier, outcome, via }),
  });
  return { multipart: countVia('multipart'), resumable: countVia('resumable') };
}

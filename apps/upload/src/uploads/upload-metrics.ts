import { Counter, Histogram, type Registry } from '@tp/metrics';
import type { StoredFile } from './s3-storage-engine';
import type { UploadOutcome } from './upload-outcome';
import type { UploaderTier } from './uploader-tier';

const MB = 1024 * 1024;

/**
 * Counts one upload request, called where its outcome is decided: `stored` once its files are
 * queued, any other outcome by the error that ended it. Requests refused before their tier is
 * known (no token, registration closed) are not counted.
 */
export interface CountUpload {
  stored: (tier: UploaderTier, files: readonly StoredFile[]) => void;
  failed: (tier: UploaderTier, outcome: Exclude<UploadOutcome, 'stored'>) => void;
}

export const UNCOUNTED: CountUpload = { stored: () => undefined, failed: () => undefined };

/** `upload_size_bytes{tier}` (each stored file) and `uploads_total{tier, outcome}` (each upload request). */
export function uploadCounter(registry: Registry): CountUpload {
  const sizes = new Histogram({
    name: 'upload_size_bytes',
    help: 'Size of each stored upload by tier (PREMIUM, FREE, ANONYMOUS)',
    labelNames: ['tier'] as const,
    buckets: [0.1 * MB, MB, 5 * MB, 10 * MB, 15 * MB, 50 * MB, 100 * MB, 200 * MB],
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'uploads_total',
    help: 'Upload requests by tier and outcome (stored, too_large, forbidden, over_quota, rejected, unavailable, error)',
    labelNames: ['tier', 'outcome'] as const,
    registers: [registry],
  });
  return {
    stored: (tier, files) => {
      outcomes.inc({ tier, outcome: 'stored' });
      for (const file of files) sizes.observe({ tier }, file.size);
    },
    failed: (tier, outcome) => outcomes.inc({ tier, outcome }),
  };
}

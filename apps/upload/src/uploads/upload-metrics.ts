import type { Request, RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from '@tp/metrics';
import type { StoredFile } from './s3-storage-engine';
import { findUploadContext } from './upload-context';

const MB = 1024 * 1024;

function outcomeFor(status: number): string {
  if (status < 400) return 'stored';
  if (status === 413) return 'too_large';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'over_quota';
  if (status === 503) return 'unavailable';
  return status < 500 ? 'rejected' : 'error';
}

/**
 * `upload_size_bytes{tier}` (each stored file) and `uploads_total{tier, outcome}` (each
 * upload request). Requests refused before their tier is known (no token) are not counted.
 */
export function uploadMetrics(registry: Registry): RequestHandler {
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
  return (req, res, next) => {
    if (req.method !== 'POST') return next();
    res.once('finish', () => {
      const context = findUploadContext(req);
      if (!context) return;
      outcomes.inc({ tier: context.tier, outcome: outcomeFor(res.statusCode) });
      if (res.statusCode !== 201) return;
      const files = ((req as Request & { files?: StoredFile[] }).files ?? []) as StoredFile[];
      for (const file of files) sizes.observe({ tier: context.tier }, file.size);
    });
    next();
  };
}

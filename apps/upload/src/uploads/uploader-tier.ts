import { limitsFor, type Tier } from '@tp/tiers';

/** Who an upload is for: a signed-in user's tier (the entitlement rule's), or nobody signed in. */
export type UploaderTier = Tier | 'ANONYMOUS';

export function limitsForUploader(tier: UploaderTier): { maxFileSizeBytes: number; maxFiles: number; maxConcurrent: number } {
  // Anonymous callers get the FREE allowance (one anonymous client: its clientKey, libs/http).
  const limits = limitsFor(tier === 'ANONYMOUS' ? 'FREE' : tier);
  return { maxFileSizeBytes: limits.maxFileSizeBytes, maxFiles: limits.maxFilesPerRequest, maxConcurrent: limits.maxConcurrentUploads };
}

import { TIERS, limitsFor, type TierLimits } from './tier-limits';

/** Multipart framing per part (boundary and part headers) and for the closing boundary. */
export const PART_OVERHEAD_BYTES = 16 * 1024;
export const FORM_OVERHEAD_BYTES = 16 * 1024;

/** The largest multipart request a tier may send: every file it may batch at full size, plus framing. */
export function maxUploadRequestBytes(limits: Pick<TierLimits, 'maxFilesPerRequest' | 'maxFileSizeBytes'>): number {
  return limits.maxFilesPerRequest * (limits.maxFileSizeBytes + PART_OVERHEAD_BYTES) + FORM_OVERHEAD_BYTES;
}

/**
 * The largest upload request any tier may send: the edge caps every upload body at this (it
 * reads no token's tier), the upload service then holds each request to its own tier's size.
 */
export function largestUploadRequestBytes(): number {
  return Math.max(...TIERS.map((tier) => maxUploadRequestBytes(limitsFor(tier))));
}

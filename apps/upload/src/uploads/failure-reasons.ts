/**
 * What a client reads in an upload's `failureReason`: one fixed sentence per kind of failure,
 * never the text of a driver, S3 or the parser (hosts, ports, bucket names, SQL). The error
 * itself goes to the log line, with the requestId of the upload (service and worker alike).
 */
export const FAILURE_REASONS = {
  tooLarge: 'The file is larger than the plan allows',
  incomplete: 'The upload did not complete',
  storage: 'The file could not be stored, please upload it again',
  batch: 'Another file of the same upload failed',
  queue: 'The file could not be queued for processing, please upload it again',
  mismatch: 'The stored file did not match the upload, please upload it again',
  missing: 'The stored file could not be found, please upload it again',
  processing: 'The file could not be processed, please upload it again',
} as const;

export type FailureReason = (typeof FAILURE_REASONS)[keyof typeof FAILURE_REASONS];

const KNOWN = new Set<string>(Object.values(FAILURE_REASONS));

/** The reason an error carries (see ProcessingFailure), or the generic one. */
export function failureReasonOf(err: unknown, fallback: FailureReason): FailureReason {
  const reason = (err as { failureReason?: unknown } | null)?.failureReason;
  return typeof reason === 'string' && KNOWN.has(reason) ? (reason as FailureReason) : fallback;
}

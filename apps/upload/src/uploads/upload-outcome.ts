import { isDatabaseUnavailable } from '@tp/db';

/** What became of one upload request: the `outcome` label of `uploads_total` (docs/operations.md, Metrics). */
export type UploadOutcome = 'stored' | 'too_large' | 'forbidden' | 'over_quota' | 'rejected' | 'unavailable' | 'error';

/** The outcomes code decides when it refuses an upload (`error` is what nobody decided). */
export type RefusalOutcome = Exclude<UploadOutcome, 'stored' | 'error'>;

const decided = new WeakMap<object, RefusalOutcome>();

/**
 * Records, where an upload is refused, what the refusal means for the metrics; the error itself
 * goes on to the client unchanged. Returns `error` so a refusal reads `throw refusal(…, new …)`.
 */
export function refusal<E extends object>(outcome: RefusalOutcome, error: E): E {
  decided.set(error, outcome);
  return error;
}

/**
 * The outcome of an upload that failed with `err`: the one decided where it was refused; a
 * database outage (libs/db's 503, decided there) is `unavailable`; anything unforeseen is `error`.
 */
export function outcomeOf(err: unknown): Exclude<UploadOutcome, 'stored'> {
  const outcome = typeof err === 'object' && err !== null ? decided.get(err) : undefined;
  if (outcome) return outcome;
  return isDatabaseUnavailable(err) ? 'unavailable' : 'error';
}

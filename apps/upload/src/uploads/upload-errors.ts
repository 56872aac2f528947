import { ForbiddenError, HttpError, PayloadTooLargeError, ServiceUnavailableError, ValidationError } from '@tp/errors';
import { UPGRADE_URL } from '@tp/tiers';
import { isStorageUnavailable } from '../storage/object-storage';
import type { UploadContext } from './upload-context';
import { FileTooLargeError } from './file-meter';
import { refusal } from './upload-outcome';

/** The client's form broke a limit of the intake (busboy's limit events, a field without a name). */
export class MultipartFormError extends Error {
  constructor(readonly code: string) {
    super(`Invalid multipart form (${code})`);
    this.name = 'MultipartFormError';
  }
}

const upgradeFor = (context: UploadContext) => (context.tier === 'PREMIUM' ? {} : { upgradeUrl: UPGRADE_URL });

export function tooLarge(context: UploadContext, limit: number): PayloadTooLargeError {
  const error = new PayloadTooLargeError(`Files are limited to ${limit} bytes on the ${context.tier} tier`, {
    details: { limit, tier: context.tier },
    ...upgradeFor(context),
  });
  return refusal('too_large', error);
}

export function batchNotAllowed(context: UploadContext): HttpError {
  if (context.tier !== 'PREMIUM') {
    return refusal('forbidden', new ForbiddenError('Uploading several files at once needs the PREMIUM plan', { upgradeUrl: UPGRADE_URL }));
  }
  if (!context.batchEnabled) return refusal('unavailable', new ServiceUnavailableError('Batch uploads are temporarily disabled'));
  return refusal('rejected', new ValidationError(`At most ${context.maxFiles} files per request`, { details: { limit: context.maxFiles } }));
}

/** S3 unreachable or refusing (isStorageUnavailable): a 503 to retry shortly, whichever way the upload came. */
export function storageUnavailable(cause: unknown): ServiceUnavailableError {
  return refusal('unavailable', new ServiceUnavailableError('File storage unavailable, retry shortly', { cause, headers: { 'Retry-After': '1' } }));
}

/** Turns whatever stopped an upload into the typed error the client sees. */
export function uploadFailure(err: unknown, context: UploadContext): unknown {
  if (err instanceof HttpError) return err;
  if (err instanceof FileTooLargeError) return tooLarge(context, err.limitBytes);
  if (isStorageUnavailable(err)) return storageUnavailable(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'LIMIT_FILE_COUNT') return batchNotAllowed(context);
  // The client's form (a limit, a field without a name): a 400 naming the limit.
  if (err instanceof MultipartFormError) return refusal('rejected', new ValidationError(err.message));
  // busboy: the client went away or sent a truncated form; nobody will read this answer.
  if (isIncompleteBody(err)) return refusal('rejected', new ValidationError('The multipart upload was incomplete or malformed', { cause: err }));
  return err;
}

/** busboy's (and the intake's `Request closed`) words for a body that was cut off or is not multipart as declared. */
export function isIncompleteBody(err: unknown): boolean {
  const message = err instanceof Error ? err.message : '';
  return /Unexpected end of (?:form|file)|Request (?:aborted|closed)|Malformed part header|Multipart: Boundary not found/i.test(message);
}

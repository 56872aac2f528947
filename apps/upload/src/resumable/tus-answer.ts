import type { Request, Response } from 'express';
import type { ServerRequest } from 'srvx';
import { ConflictError, GoneError, HttpError, NotFoundError, PayloadTooLargeError, ServiceUnavailableError, ValidationError } from '@tp/errors';
import { isStorageUnavailable } from '../storage/object-storage';
import { storageUnavailable } from '../uploads/upload-errors';
import { refusal } from '../uploads/upload-outcome';

/** tus 1.0: a request without `Tus-Resumable` (or another version) is refused with 412. */
export class TusVersionError extends HttpError {
  constructor(message: string) {
    super(412, 'precondition_failed', message);
  }
}

/**
 * A tus error answer (@tus/utils ERRORS) as our typed error, with its outcome for uploads_total (a
 * refused creation counts): what tus does not foresee stays an unexposed 500 (`error`).
 */
export function tusError(status: number, body: string): Error {
  const message = body.trim() || `Resumable upload refused (${status})`;
  switch (status) {
    case 400:
    case 403:
      return refusal('rejected', new ValidationError(message));
    case 404:
      return refusal('rejected', new NotFoundError('Upload not found'));
    case 409:
      return refusal('rejected', new ConflictError(`${message}: HEAD the upload for its offset`));
    case 410:
      return refusal('rejected', new GoneError('This upload has expired and is no longer available'));
    case 412:
      return refusal('rejected', new TusVersionError('Send Tus-Resumable: 1.0.0 (tus 1.0)'));
    case 413:
      return refusal('too_large', new PayloadTooLargeError('The body goes past the declared Upload-Length'));
    case 500:
      // A lock another replica still holds (it lets go within a few seconds): retry.
      if (/lock/i.test(message)) {
        return refusal('unavailable', new ServiceUnavailableError('The upload is busy, retry shortly', { headers: { 'Retry-After': '1' } }));
      }
      return new Error(`tus answered 500: ${message}`);
    default:
      return new HttpError(status, 'not_implemented', message);
  }
}

const thrown = new WeakMap<ServerRequest, HttpError>();

/**
 * tus's onResponseError: our own typed errors thrown in its hooks are kept, so the answer is
 * that error (status, headers, details) rather than tus's text body; S3 out of reach (its store
 * failing) is the same 503 a multipart upload gets, not tus's bare 500.
 */
export function keepTypedError(req: ServerRequest, err: unknown): { status_code: number; body: string } | undefined {
  const typed = err instanceof HttpError ? err : isStorageUnavailable(err) ? storageUnavailable(err) : undefined;
  if (!typed) return undefined;
  thrown.set(req, typed);
  return { status_code: typed.status, body: typed.message };
}

const cut = new WeakMap<Request, HttpError>();

/**
 * Marks a request we end before its body does (too slow): tus stores the bytes so far and
 * answers as if the body had ended there; the client gets `err` instead (it HEADs and resumes).
 */
export function cutShort(req: Request, err: HttpError): void {
  cut.set(req, err);
}

// The edge sets CORS for every route; tus's own CORS headers would contradict it.
const isCors = (name: string) => name.startsWith('access-control-');

/**
 * Sends tus's answer through Express: a success as tus wrote it (minus its CORS headers), an
 * error as our JSON error body with the requestId, through the one error middleware.
 */
export async function answer(req: ServerRequest, response: globalThis.Response, res: Response, next: (err?: unknown) => void): Promise<void> {
  const tusResumable = response.headers.get('tus-resumable');
  if (tusResumable) res.setHeader('Tus-Resumable', tusResumable);
  // A body that still arrived whole while tus let go keeps tus's answer.
  const cutError = cut.get(res.req);
  if (cutError && !res.req.complete) {
    await response.body?.cancel();
    next(cutError);
    return;
  }
  if (response.status >= 400) {
    const body = await response.text();
    next(thrown.get(req) ?? tusError(response.status, body));
    return;
  }
  res.status(response.status);
  response.headers.forEach((value, name) => {
    if (!isCors(name)) res.setHeader(name, value);
  });
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** The Express request behind tus's web request (srvx's Node adapter keeps it). */
export function expressRequestOf(req: ServerRequest): Request {
  const node = req.runtime?.node?.req;
  if (!node) throw new Error('tus request without its Node request');
  return node as Request;
}

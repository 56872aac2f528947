import type { Writable } from 'node:stream';
import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { RequestTimeoutError, UnsupportedMediaTypeError, ValidationError } from '@tp/errors';
import { maxUploadRequestBytes } from '@tp/tiers';
import { pipeScrubbed } from './part-header-scrubber';
import { watchUploadPace, type PaceSettings } from './upload-pace';
import { uploadContextOf, type UploadContext } from './upload-context';
import { batchNotAllowed, tooLarge, uploadFailure } from './upload-errors';
import { refusal } from './upload-outcome';

const FILE_FIELDS = new Set(['file', 'files']);
/**
 * The whole-body cap is this much looser than the tier's largest request: the body is counted as
 * it arrives, ahead of the buffers in front of the file meter, which cuts a too-large file exactly
 * (and cleans up before answering). The cap is for bytes no file carries: preamble, epilogue.
 */
const BODY_CAP_SLACK_BYTES = 1024 * 1024;
const LIMIT_EVENTS = { partsLimit: 'LIMIT_PART_COUNT', filesLimit: 'LIMIT_FILE_COUNT', fieldsLimit: 'LIMIT_FIELD_COUNT' } as const;

/**
 * The upload routes take `multipart/form-data` only: busboy refuses other multipart types
 * (`multipart/mixed`) with an untyped error, and multer skips a non-multipart body. Both are a
 * 415 before a byte is read or a quota held.
 */
export function requireMultipartForm(req: Request): void {
  if (req.is('multipart/form-data') === false || !req.headers['content-type']) {
    throw refusal('rejected', new UnsupportedMediaTypeError('Uploads are multipart/form-data (field `file`, or `files` for a batch)'));
  }
}

/** Remembers the first thing that failed the request; multer reports it only once the body ended. */
function recordFailure(context: UploadContext, err: unknown): void {
  context.failure ??= err;
}

/**
 * multer's `streamHandler`. On a failure (a file past the tier limit, a refused batch, S3 down,
 * a malformed part) multer cleans up, unpipes the request from busboy, and then waits for the
 * client to send the whole rest of the body before it reports the error: for a 15 MB limit and
 * a 100 MB upload that is 85 MB of wasted bandwidth before the 413. The unpipe is the moment
 * the cleanup is done, so the failure is answered from there (see `intake`).
 */
function feedBusboy(answer: (req: Request) => void, pace: PaceSettings) {
  return (req: Request, busboy: Writable) => {
    const context = uploadContextOf(req);
    // Too slow or too long a body fails like any other busboy failure: multer cleans up, the 408 / 413
    // goes out early. Recorded first: destroying busboy unpipes the request (the early answer's cue).
    const fail = (err: unknown) => {
      recordFailure(context, err);
      busboy.destroy(err as Error);
    };
    const stopPace = watchUploadPace(req, pace, {
      maxBytes: maxUploadRequestBytes({ maxFilesPerRequest: context.maxFiles, maxFileSizeBytes: context.maxFileSizeBytes }) + BODY_CAP_SLACK_BYTES,
      tooLarge: () => fail(tooLarge(context, context.maxFileSizeBytes)),
      tooSlow: () => fail(refusal('rejected', new RequestTimeoutError(`The upload was slower than ${pace.minBytesPerSecond} bytes per second`))),
    });
    // Prepended: multer's own listeners finish its cleanup (and unpipe) synchronously.
    busboy.prependListener('error', (err: unknown) => recordFailure(context, err));
    for (const [event, code] of Object.entries(LIMIT_EVENTS)) {
      busboy.prependListener(event, () => recordFailure(context, Object.assign(new Error(code), { code })));
    }
    busboy.once('unpipe', () => {
      stopPace();
      answer(req);
    });
    pipeScrubbed(req, busboy);
  };
}

/**
 * The multipart body: multer + busboy streaming each file into the storage engine. Errors are
 * answered as soon as multer has cleaned up, not after the body ended; the request's
 * connection then closes after the answer (closeAfterResponse, in the error chain).
 */
export function intake(storage: multer.StorageEngine, pace: PaceSettings): RequestHandler {
  const pending = new WeakMap<Request, (err?: unknown) => void>();
  const answerEarly = (req: Request) => {
    const failure = uploadContextOf(req).failure;
    if (failure !== undefined) pending.get(req)?.(failure);
  };
  const handler = multer({
    storage,
    // Browsers and curl send UTF-8 filenames without a charset parameter; busboy's default is latin1.
    defParamCharset: 'utf8',
    // Also scrubs control bytes from part headers: browsers send a filename's controls (but CR/LF) raw.
    streamHandler: feedBusboy(answerEarly, pace),
    limits: (req) => {
      const context = uploadContextOf(req);
      // One file more than allowed reaches fileFilter, which answers with the right error.
      return { files: context.maxFiles + 1, fields: 20, fieldSize: 64 * 1024, parts: context.maxFiles + 21 };
    },
    fileFilter: (req, file, accept) => {
      const context = uploadContextOf(req);
      if (!FILE_FIELDS.has(file.fieldname)) {
        const unexpected = refusal('rejected', new ValidationError(`Unexpected file field \`${file.fieldname}\`: use \`file\` (or \`files\` for a batch)`));
        recordFailure(context, unexpected);
        accept(unexpected);
        return;
      }
      context.filesSeen += 1;
      const batch = file.fieldname === 'files' || context.filesSeen > 1;
      const refused = (batch && (context.tier !== 'PREMIUM' || !context.batchEnabled)) || context.filesSeen > context.maxFiles;
      if (refused) recordFailure(context, batchNotAllowed(context));
      accept(refused ? batchNotAllowed(context) : null, !refused);
    },
  }).any();
  return (req, res, next) => {
    let done = false;
    // busboy's own failures (malformed parts, client gone) reach us untyped: map them here.
    const once = (err?: unknown) => {
      if (done) return;
      done = true;
      pending.delete(req);
      next(err ? uploadFailure(err, uploadContextOf(req)) : undefined);
    };
    pending.set(req, once);
    handler(req, res, once);
  };
}

import { AsyncResource } from 'node:async_hooks';
import type { Readable, Transform } from 'node:stream';
import busboy from 'busboy';
import type { Request, RequestHandler } from 'express';
import { UnsupportedMediaTypeError, ValidationError } from '@tp/errors';
import { maxUploadRequestBytes } from '@tp/tiers';
import { partHeaderScrubbing } from './part-header-scrubber';
import type { StoredFile } from './s3-storage-engine';
import { tooSlowError, watchUploadPace, type PaceSettings } from './upload-pace';
import { uploadContextOf, type UploadContext } from './upload-context';
import { batchNotAllowed, MultipartFormError, tooLarge, uploadFailure } from './upload-errors';
import { refusal } from './upload-outcome';

/** One file part as busboy announced it; `stream` is its content, to be read to its end or resumed. */
export interface IncomingFile {
  fieldname: string;
  originalname: string;
  stream: Readable;
}

/** Where file parts go (S3StorageEngine): one file at a time, removed again if the request fails. */
export interface FileSink {
  store(req: Request, file: IncomingFile): Promise<StoredFile>;
  remove(req: Request, file: StoredFile): Promise<void>;
}

const FILE_FIELDS = new Set(['file', 'files']);
/**
 * The whole-body cap is this much looser than the tier's largest request: the body is counted as
 * it arrives, ahead of the buffers in front of the file meter, which cuts a too-large file exactly
 * (and cleans up before answering). The cap is for bytes no file carries: preamble, epilogue.
 */
const BODY_CAP_SLACK_BYTES = 1024 * 1024;
const FIELD_LIMIT = 20;
const FIELD_BYTES = 64 * 1024;
const LIMIT_EVENTS = { partsLimit: 'LIMIT_PART_COUNT', filesLimit: 'LIMIT_FILE_COUNT', fieldsLimit: 'LIMIT_FIELD_COUNT' } as const;

/**
 * The upload routes take `multipart/form-data` only: busboy refuses other multipart types
 * (`multipart/mixed`) with an untyped error. Both are a 415 before a byte is read or a quota held.
 */
export function requireMultipartForm(req: Request): void {
  if (req.is('multipart/form-data') === false || !req.headers['content-type']) {
    throw refusal('rejected', new UnsupportedMediaTypeError('Uploads are multipart/form-data (field `file`, or `files` for a batch)'));
  }
}

/**
 * Browsers escape exactly LF, CR and `"` in field names and filenames (WHATWG multipart/form-data)
 * and busboy leaves them escaped: only those three are reversed (`50%.pdf` stays as it is).
 */
export function decodeFormDataName(name: string): string {
  return name.replace(/%0A|%0D|%22/gi, (escape) => ({ '%0A': '\n', '%0D': '\r' })[escape.toUpperCase()] ?? '"');
}

/**
 * One request's body: req → part header scrubbing → busboy, each file part into the sink. The
 * first failure stops reading at once (the request is unpiped, busboy destroyed, so the file being
 * stored ends as incomplete), waits for the sink to settle, removes the files stored so far and
 * answers then, not after the rest of the body; closeAfterResponse (the error chain) then reads
 * at most a bounded rest and closes the connection.
 */
class BodyIntake {
  private readonly scrubbing: Transform;
  private readonly parser: busboy.Busboy;
  private readonly stores: Array<Promise<StoredFile | undefined>> = [];
  private failure: unknown;
  private settled = false;
  private stopPace: () => void = () => undefined;

  constructor(
    private readonly req: Request,
    private readonly context: UploadContext,
    private readonly sink: FileSink,
    private readonly next: (err?: unknown) => void,
  ) {
    const maxFiles = context.maxFiles;
    this.parser = busboy({
      headers: req.headers,
      // Browsers and curl send UTF-8 filenames without a charset parameter; busboy's default is latin1.
      defParamCharset: 'utf8',
      // busboy reports reaching `parts` and `fieldSize`, exceeding `files` and `fields`. One file more than
      // allowed reaches onFile, which answers with the right error.
      limits: { files: maxFiles + 1, fields: FIELD_LIMIT, fieldSize: FIELD_BYTES + 1, parts: maxFiles + FIELD_LIMIT + 2 },
    });
    this.scrubbing = partHeaderScrubbing(req.headers['content-type']);
  }

  start(pace: PaceSettings): void {
    const { req, context, parser } = this;
    this.stopPace = watchUploadPace(req, pace, {
      maxBytes: maxUploadRequestBytes({ maxFilesPerRequest: context.maxFiles, maxFileSizeBytes: context.maxFileSizeBytes }) + BODY_CAP_SLACK_BYTES,
      tooLarge: () => this.fail(tooLarge(context, context.maxFileSizeBytes)),
      tooSlow: () => this.fail(tooSlowError(pace)),
    });
    parser.on('file', (name: string | undefined, stream: Readable, info: busboy.FileInfo) => this.onFile(name, stream, info.filename));
    parser.on('field', (name: string | undefined, _value: string, info: busboy.FieldInfo) => {
      if (name === undefined) this.fail(new MultipartFormError('MISSING_FIELD_NAME'));
      else if (info.nameTruncated) this.fail(new MultipartFormError('LIMIT_FIELD_KEY'));
      else if (info.valueTruncated) this.fail(new MultipartFormError('LIMIT_FIELD_VALUE'));
    });
    for (const [event, code] of Object.entries(LIMIT_EVENTS)) parser.on(event, () => this.fail(new MultipartFormError(code)));
    parser.on('error', (err: unknown) => this.fail(err));
    parser.on('finish', () => void this.finish());
    this.scrubbing.on('error', (err: unknown) => this.fail(err));
    req.on('error', (err: unknown) => this.fail(err));
    req.on('close', () => {
      if (!req.complete) this.fail(new Error('Request closed'));
    });
    req.pipe(this.scrubbing).pipe(parser);
  }

  private onFile(name: string | undefined, stream: Readable, filename: string | undefined): void {
    const { context } = this;
    // busboy destroys the file being read when the request fails; that failure is reported where it
    // happened (here or by the sink), so the stream's own error needs no second answer, but a listener.
    stream.on('error', () => undefined);
    // A part without a filename carries no file; after a failure nothing more is stored.
    if (this.failure !== undefined || !filename) {
      stream.resume();
      return;
    }
    if (name === undefined || !FILE_FIELDS.has(name)) {
      stream.resume();
      this.fail(refusal('rejected', new ValidationError(`Unexpected file field \`${name}\`: use \`file\` (or \`files\` for a batch)`)));
      return;
    }
    context.filesSeen += 1;
    const batch = name === 'files' || context.filesSeen > 1;
    if ((batch && (context.tier !== 'PREMIUM' || !context.batchEnabled)) || context.filesSeen > context.maxFiles) {
      stream.resume();
      this.fail(batchNotAllowed(context));
      return;
    }
    const stored = this.sink.store(this.req, { fieldname: name, originalname: decodeFormDataName(filename), stream });
    this.stores.push(
      stored.catch((err: unknown) => {
        this.fail(err);
        return undefined;
      }),
    );
  }

  /** Every byte was parsed: answer once every file is stored. */
  private async finish(): Promise<void> {
    const files = await Promise.all(this.stores);
    if (this.failure !== undefined) return;
    this.context.stored = files.filter((file): file is StoredFile => file !== undefined);
    this.settle();
  }

  private fail(err: unknown): void {
    if (this.failure !== undefined || this.settled) return;
    this.failure = err;
    this.context.failure ??= err;
    this.stopPace();
    // Stop reading: the client waits (backpressure) until the answer; busboy ends the file being read.
    this.req.unpipe(this.scrubbing);
    this.scrubbing.unpipe(this.parser);
    this.scrubbing.destroy();
    this.parser.destroy();
    void this.answerFailure();
  }

  private async answerFailure(): Promise<void> {
    const files = await Promise.all(this.stores);
    for (const file of files) if (file) await this.sink.remove(this.req, file);
    this.settle(this.failure);
  }

  private settle(err?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.stopPace();
    this.next(err === undefined ? undefined : uploadFailure(err, this.context));
  }
}

/**
 * The multipart body: busboy fed through an ordinary pipe (with part header scrubbing in front),
 * streaming each file into the sink; the stored files land in the upload context.
 */
export function intake(sink: FileSink, pace: PaceSettings): RequestHandler {
  return (req, _res, callNext) => {
    const context = uploadContextOf(req);
    // busboy's and S3's callbacks run outside the request's async context: the rest of the chain runs in it.
    const resource = new AsyncResource('upload-intake');
    const next = (err?: unknown) => resource.runInAsyncScope(callNext, null, err);
    let body: BodyIntake;
    try {
      body = new BodyIntake(req, context, sink, next);
    } catch (err) {
      // busboy's constructor: no boundary, or a Content-Type it cannot parse.
      next(uploadFailure(err, context));
      return;
    }
    body.start(pace);
  };
}

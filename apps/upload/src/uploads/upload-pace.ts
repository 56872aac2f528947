import type { IncomingMessage } from 'node:http';
import { RequestTimeoutError } from '@tp/errors';
import { refusal } from './upload-outcome';

export interface PaceSettings {
  /** UPLOAD_MIN_BYTES_PER_SECOND: the least average rate of an upload body. */
  minBytesPerSecond: number;
  /** UPLOAD_MIN_RATE_WINDOW_MS: the average is taken over this much of the client's time. */
  windowMs: number;
}

/** The answer to a body cut by watchUploadPace (408, documented as such), multipart or resumable alike. */
export function tooSlowError(settings: PaceSettings): RequestTimeoutError {
  return refusal('rejected', new RequestTimeoutError(`The upload was slower than ${settings.minBytesPerSecond} bytes per second`));
}

export interface PaceWatch {
  /** The whole body may be at most this (the tier's largest request): a chunked body has no declared length. */
  maxBytes: number;
  tooLarge: () => void;
  tooSlow: () => void;
}

/**
 * Watches an upload body as busboy reads it. `tooSlow` once it averages less than
 * `minBytesPerSecond` over a window of `windowMs`, so a trickling client cannot hold an upload
 * slot (and the edge's socket) for the whole request timeout; only time spent waiting for the
 * client counts (while our own backpressure pauses the request, S3 busy, the clock stops).
 * `tooLarge` at the first byte past `maxBytes` (preamble and epilogue bytes count too, which
 * busboy would otherwise read and drop without end). Returns a stop function.
 */
export function watchUploadPace(req: IncomingMessage, settings: PaceSettings, watch: PaceWatch): () => void {
  const tickMs = Math.max(50, Math.min(1000, Math.floor(settings.windowMs / 10)));
  const needed = (settings.minBytesPerSecond * settings.windowMs) / 1000;
  let bytes = 0;
  let total = 0;
  let clientMs = 0;
  // Observes the chunks the pipe into busboy reads; attached with the pipe, so it moves no data itself.
  const count = (chunk: Buffer) => {
    bytes += chunk.length;
    total += chunk.length;
    if (total <= watch.maxBytes) return;
    stop();
    watch.tooLarge();
  };
  req.on('data', count);
  const stop = () => {
    clearInterval(timer);
    req.off('data', count);
  };
  const timer = setInterval(() => {
    const heldByUs = req.readableFlowing === false || req.readableLength > 0;
    if (heldByUs) return;
    clientMs += tickMs;
    if (clientMs < settings.windowMs) return;
    if (bytes < needed) {
      stop();
      watch.tooSlow();
      return;
    }
    clientMs = 0;
    bytes = 0;
  }, tickMs);
  timer.unref();
  req.once('end', stop);
  req.once('close', stop);
  return stop;
}

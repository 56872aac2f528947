import type { Request, Response } from 'express';
import { tooSlowError, watchUploadPace, type PaceSettings } from '../uploads/upload-pace';
import type { RedisLocker } from './redis-locker';
import { cutShort } from './tus-answer';

/**
 * The multipart uploads' minimum rate (UPLOAD_MIN_BYTES_PER_SECOND over UPLOAD_MIN_RATE_WINDOW_MS,
 * the same watchUploadPace) on a resumable body, PATCH or creation-with-upload: slower, the request
 * lets go of its upload's lock as if another request had asked, so tus ends the body there, stores
 * the bytes so far and unlocks; the client gets the same 408 and HEADs to resume. The upload slot
 * goes with the response. Without this a client trickling bytes holds a slot and a lock for hours.
 */
export function watchResumablePace(req: Request, res: Response, settings: { pace: PaceSettings; locker: RedisLocker; id: string }): void {
  // Nothing reads the body before tus: paused, the watch's listener moves no data (no chunk is
  // lost to tus), and its clock stands still until tus reads (a paused request is ours to wait for).
  req.pause();
  const stop = watchUploadPace(req, settings.pace, {
    // tus itself limits the body to the declared Upload-Length (413).
    maxBytes: Number.POSITIVE_INFINITY,
    tooLarge: () => undefined,
    tooSlow: () => {
      cutShort(req, tooSlowError(settings.pace));
      // The body is only read once tus holds the lock, here.
      if (!settings.locker.letGo(settings.id)) req.log.warn({ id: settings.id }, 'A too slow resumable body without its lock');
    },
  });
  res.once('close', stop);
}

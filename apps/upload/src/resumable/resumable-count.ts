import type { ErrorRequestHandler, Request } from 'express';
import type { CountUpload } from '../uploads/upload-metrics';
import { findUploadContext } from '../uploads/upload-context';
import { outcomeOf } from '../uploads/upload-outcome';

/**
 * uploads_total{via="resumable"}: a resumable upload counts once, where its outcome is decided:
 * its creation refused (the POST's error: too_large, over_quota, forbidden, rejected…), or its
 * last byte stored (`stored` with its size once queued, or the error of a finish that failed).
 * A PATCH that only appends, or fails leaving the upload resumable (409, 413, too slow, the client
 * gone), decides nothing: the upload goes on. Expired or deleted unfinished uploads are not counted.
 */
export class ResumableCount {
  private readonly deciding = new WeakSet<Request>();
  private readonly counted = new WeakSet<Request>();

  constructor(private readonly count: CountUpload) {}

  /** From here on a failure of this request is the upload's outcome (its creation, or its finish). */
  decides(req: Request): void {
    this.deciding.add(req);
  }

  /** The upload's last byte is stored and the upload queued: `size` is its length. */
  stored(req: Request, size: number): void {
    const context = findUploadContext(req);
    if (!context || !this.once(req)) return;
    this.count.stored(context.tier, [{ size }]);
  }

  /** The error chain's counter: a deciding request that failed counts by the outcome decided where it was refused. */
  failures(): ErrorRequestHandler {
    return (err, req, _res, next) => {
      const context = findUploadContext(req);
      if (context && this.deciding.has(req) && this.once(req)) this.count.failed(context.tier, outcomeOf(err));
      next(err);
    };
  }

  private once(req: Request): boolean {
    if (this.counted.has(req)) return false;
    this.counted.add(req);
    return true;
  }
}

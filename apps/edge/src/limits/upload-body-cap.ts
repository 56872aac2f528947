import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { PayloadTooLargeError } from '@tp/errors';
import { abandonRequest } from './abandon-request';

const tooLarge = (maxBytes: number) => new PayloadTooLargeError(`Upload requests are limited to ${maxBytes} bytes`);

/**
 * An upload body larger than any tier may send (largestUploadRequestBytes, libs/tiers) never
 * reaches a service whole. A declared Content-Length past it is refused before the body is read
 * (this middleware); a chunked body is counted as it is forwarded (`countUploadBody`, called by
 * the hop as it starts piping) and cut with 413 at the first byte past it. The upload service
 * then holds each request to its own tier's (smaller) size.
 */
export function refuseOversizedUpload(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    next(declared > maxBytes ? tooLarge(maxBytes) : undefined);
  };
}

/**
 * Counts a chunked upload body while the hop pipes it. Called by the hop just before it pipes
 * the body (same tick), so the extra 'data' listener moves no chunk the pipe would not, and
 * every chunk is counted.
 */
export function countUploadBody(maxBytes: number) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.headers['content-length'] !== undefined) return;
    let seen = 0;
    const count = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= maxBytes) return;
      req.off('data', count);
      abandonRequest(req as Request, res as Response, tooLarge(maxBytes));
    };
    req.on('data', count);
  };
}

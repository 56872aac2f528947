import type { RequestHandler } from 'express';
import { PayloadTooLargeError } from '@tp/errors';
import { exchangeOf } from '../proxy/exchange';
import { hasBody } from './request-deadlines';

/**
 * Reads a short route's body before the request takes an upstream slot, so a client that
 * trickles its body holds only its own connection (until the body deadline), never a
 * connection to a service. The body goes to the request's exchange; the hop sends it with
 * `end(body)` and its length.
 */
export function bufferBody(maxBytes: number): RequestHandler {
  return (req, res, next) => {
    if (!hasBody(req)) {
      next();
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
      next(new PayloadTooLargeError(`The request body is larger than ${maxBytes} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      next(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        finish(new PayloadTooLargeError(`The request body is larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      exchangeOf(res).body = Buffer.concat(chunks, size);
      finish();
    });
    req.once('error', finish);
  };
}

import type { RequestHandler } from 'express';
import { PayloadTooLargeError } from '@tp/errors';
import { hasBody } from './request-deadlines';

/**
 * Reads a short route's body before the request takes an upstream slot, so a client that
 * trickles its body holds only its own connection (until the body deadline), never a
 * connection to a service. The proxy then sends the bytes read: http-proxy pipes the request
 * stream into the upstream request, so `pipe` of this (consumed) request writes them.
 */
export function bufferBody(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
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
      const body = Buffer.concat(chunks, size);
      req.headers['content-length'] = String(body.length);
      delete req.headers['transfer-encoding'];
      req.pipe = <T extends NodeJS.WritableStream>(destination: T): T => {
        destination.end(body);
        return destination;
      };
      finish();
    });
    req.once('error', finish);
  };
}

import type { Request, RequestHandler, Response } from 'express';
import { GatewayTimeoutError, RequestTimeoutError } from '@tp/errors';
import { abandonRequest } from './abandon-request';

export interface DeadlineLimits {
  /** Non-streaming routes: the whole request. */
  requestTimeoutMs: number;
  /** Non-streaming routes: the body must be complete this long after the headers. */
  bodyTimeoutMs: number;
  /** Streaming (upload) routes: no byte from the client for this long. */
  uploadIdleTimeoutMs: number;
}

export const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

const bodyPending = (req: Request): boolean => hasBody(req) && !req.complete;

/** A short route: body within bodyTimeoutMs, answer within requestTimeoutMs. */
function watchShortRequest(req: Request, res: Response, limits: DeadlineLimits): void {
  const body = bodyPending(req)
    ? setTimeout(() => {
        if (bodyPending(req)) abandonRequest(req, res, new RequestTimeoutError('The request body did not arrive in time'));
      }, limits.bodyTimeoutMs)
    : undefined;
  const total = setTimeout(() => {
    if (res.writableEnded) return;
    if (bodyPending(req)) abandonRequest(req, res, new RequestTimeoutError('The request body did not arrive in time'));
    else abandonRequest(req, res, new GatewayTimeoutError('The request did not complete in time'));
  }, limits.requestTimeoutMs);
  res.once('close', () => {
    clearTimeout(total);
    // An early answer (401, 413) leaves a trickling body behind: its timer still closes the socket.
    if (!bodyPending(req) || req.socket.destroyed) clearTimeout(body);
    else req.once('end', () => clearTimeout(body));
  });
}

/**
 * An upload may take long but must keep moving. Progress is read from the socket's byte
 * count (a 'data' listener would start the body flowing before the proxy reads it); a
 * socket paused by our own backpressure is not the client's fault.
 */
function watchUpload(req: Request, res: Response, idleMs: number): void {
  let lastBytes = req.socket.bytesRead;
  let timer: NodeJS.Timeout;
  const tick = () => {
    if (req.complete || req.socket.destroyed) return;
    const bytes = req.socket.bytesRead;
    const heldByUs = req.readableLength > 0 || req.socket.isPaused();
    if (bytes === lastBytes && !heldByUs) {
      abandonRequest(req, res, new RequestTimeoutError('The upload stalled'));
      return;
    }
    lastBytes = bytes;
    timer = setTimeout(tick, idleMs);
  };
  timer = setTimeout(tick, idleMs);
  req.once('end', () => clearTimeout(timer));
  // The response's 'close' (answered, or the connection lost), never the socket's: a listener on
  // a keep-alive socket outlives the request and kept every upload's req/res alive until it closed.
  res.once('close', () => clearTimeout(timer));
}

/**
 * Per-route time bounds (Node's server timeouts are per server, and checked only every
 * connectionsCheckingInterval). `streaming(req)` says whether the route streams its body
 * (uploads): long total (the server's requestTimeout), idle limit; all others are short.
 */
export function requestDeadlines(limits: DeadlineLimits, streaming: (req: Request) => boolean): RequestHandler {
  return (req, res, next) => {
    // A read-back on an upload route has no body: it is as short as any other request.
    if (streaming(req) && bodyPending(req)) watchUpload(req, res, limits.uploadIdleTimeoutMs);
    else watchShortRequest(req, res, limits);
    next();
  };
}

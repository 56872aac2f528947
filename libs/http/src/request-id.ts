import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { runWithRequestContext } from '@tp/logging';

export const REQUEST_ID_HEADER = 'x-request-id';

// Honour a caller's id only when it cannot be used to inject into logs or headers.
const SANE_REQUEST_ID = /^[\w.:-]{8,128}$/;

export function pickRequestId(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * First middleware of every app: fixes the request id, echoes it, and opens the
 * AsyncLocalStorage context that logging and errors read for the rest of the request.
 */
export function requestIdMiddleware(): RequestHandler {
  return (req, res, next) => {
    const requestId = pickRequestId(req.headers[REQUEST_ID_HEADER]);
    req.id = requestId;
    // Downstream hops (the edge's proxy) forward the header as-is.
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const context = { requestId, startedAt: performance.now() };
    req.requestContext = context;
    runWithRequestContext(context, next);
  };
}

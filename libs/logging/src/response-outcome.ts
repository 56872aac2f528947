import type { ServerResponse } from 'node:http';

/** nginx's "client closed request": the status dashboards already read as a client that left. */
export const CLIENT_CLOSED_REQUEST = 499;

export interface ResponseOutcome {
  /** The status the client got: the one sent, or 499 when it left before any header went out. */
  statusCode: number;
  /** The response never ended: the connection closed first (the client went away, or we cut it). */
  aborted: boolean;
}

/**
 * How a request ended, for its log line and its HTTP metrics alike (one rule, one place). A
 * response that did not end was cut: before its headers, `res.statusCode` is only Express's
 * default 200 (or a status a handler set but never sent), so it reads 499; after them, the
 * status that went out.
 */
export function responseOutcome(res: ServerResponse): ResponseOutcome {
  if (res.writableEnded) return { statusCode: res.statusCode, aborted: false };
  return { statusCode: res.headersSent ? res.statusCode : CLIENT_CLOSED_REQUEST, aborted: true };
}

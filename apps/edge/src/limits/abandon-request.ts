import type { Request, Response } from 'express';
import { toErrorBody, type HttpError } from '@tp/errors';
import { abortUpstream } from '../proxy/create-service-proxy';

/**
 * Ends a request the edge gives up on: the upstream call (if any) is cancelled, the client
 * gets the JSON error when nothing was sent yet, and the connection closes, since its
 * unread body makes it useless for another request.
 */
export function abandonRequest(req: Request, res: Response, error: HttpError): void {
  abortUpstream(res);
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  const { status, body } = toErrorBody(error, String(req.id ?? 'unknown'));
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...error.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    connection: 'close',
  });
  res.end(text);
  // Node closes a `Connection: close` response's socket once it is written; this bounds a
  // client that would keep the socket half-open.
  const socket = req.socket;
  const linger = setTimeout(() => socket.destroy(), 1000);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
}

import type { OutgoingHttpHeaders } from 'node:http';
import type { Request } from 'express';
import { untracedTraceparent } from '@tp/telemetry';

/**
 * The only request headers a service receives from the edge. An allow-list, not a deny-list:
 * identity-looking headers (`x-user-*`, `x-remote-user`, …), `Forwarded`, `X-Real-IP`, cookies
 * and anything a client invents never reach a service that someday might trust one.
 */
export const UPSTREAM_HEADERS: ReadonlySet<string> = new Set([
  // Content negotiation and bodies (uploads stream with their length or chunked).
  'accept',
  'accept-encoding',
  'accept-language',
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  // Conditional requests (flags answer 304 on If-None-Match).
  'if-none-match',
  'if-match',
  'if-modified-since',
  'if-unmodified-since',
  'cache-control',
  'user-agent',
  // tus 1.0 (resumable uploads): the protocol's request headers.
  'tus-resumable',
  'upload-length',
  'upload-offset',
  'upload-metadata',
  'upload-defer-length',
  'upload-concat',
  // Credentials each service verifies itself.
  'authorization',
  'paddle-signature',
  'x-upload-token',
  // Flags for anonymous visitors; request id and tracing set or checked by the edge.
  'x-anonymous-id',
  'x-request-id',
  'traceparent',
  'tracestate',
]);

/**
 * The headers a service receives for `req`, built as one new object the hop sends as they are:
 * the allowed ones, Host naming the service (`host`), the length of a body the edge read, and
 * X-Forwarded-For/-Proto/-Host from what the edge itself saw. X-Forwarded-For is exactly the one
 * client address the edge resolved (`req.ip`: the socket peer, or the address a TRUSTED_PROXIES
 * peer named), never a chain, so a service trusting the edge reads one unambiguous client, and a
 * client cannot choose the IP quotas count by. The client's own headers stay untouched.
 */
export function upstreamHeaders(
  req: Request,
  host: string,
  body: Buffer | undefined,
  untraced: string | undefined = untracedTraceparent(),
): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { host };
  // for…in: no entries array per request on the hot path.
  for (const name in req.headers) {
    if (UPSTREAM_HEADERS.has(name)) headers[name] = req.headers[name];
  }
  if (body) {
    // The edge read the body (bufferBody): it goes as one block of known length.
    headers['content-length'] = body.length;
    delete headers['transfer-encoding'];
  }
  // A request the edge does not trace tells the service so (a traced one gets the instrumentation's).
  if (untraced) {
    headers['traceparent'] = untraced;
    delete headers['tracestate'];
  }
  if (req.ip) headers['x-forwarded-for'] = req.ip;
  headers['x-forwarded-proto'] = req.protocol;
  if (req.host) headers['x-forwarded-host'] = req.host;
  return headers;
}

import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { closeAfterResponse } from '@tp/http';
import { tagRelayedError } from '@tp/telemetry';
import type { Exchange } from './exchange';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe the service's connection with the edge, not
 * the client's: Node's server frames the answer (length or chunked) and keeps or closes the
 * client's connection by the client's own request.
 */
const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * The answer's end-to-end headers. A service that closes (an early 413 with the body unread)
 * closes the client's connection too.
 */
function answerHeaders(answer: IncomingMessage): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const name in answer.headers) {
    if (!HOP_BY_HOP.has(name)) headers[name] = answer.headers[name];
  }
  if (/\bclose\b/i.test(answer.headers['connection'] ?? '')) headers['connection'] = 'close';
  return headers;
}

/**
 * Passes the service's answer to the client: status and end-to-end headers over the ones the
 * edge set (request id, security headers, CORS), then the body as it comes. A service may
 * answer before the client's body is through (413 past a tier limit, 429 over a quota, 401):
 * then the rest of the body is not wanted. It stops going to the service, the answer goes on
 * with `Connection: close`, what the client still sends is read and thrown away (bounded, see
 * closeAfterResponse) and the connection closes; the call to the service is dropped once its
 * answer is through. An answer cut short cuts the client's connection (its status is out).
 */
export function relayAnswer(exchange: Exchange, upstream: ClientRequest, answer: IncomingMessage, req: IncomingMessage, res: ServerResponse): void {
  exchange.answer = answer;
  if (!req.complete) {
    req.unpipe(upstream);
    closeAfterResponse(req, res);
    answer.once('end', () => upstream.destroy());
  }
  answer.once('error', () => res.destroy());
  // A service's error answer: its code on the edge's span too (traced requests only).
  tagRelayedError(answer);
  res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answerHeaders(answer));
  answer.pipe(res);
}

/**
 * An upstream error after its whole answer arrived (it closed while we still sent the body, or
 * we dropped it) is no failure: the answer goes to the client as it is, never a 502.
 */
export function answeredInFull(exchange: Exchange): boolean {
  return exchange.answer?.complete === true;
}

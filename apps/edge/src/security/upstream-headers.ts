import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Request } from 'express';

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
 * Rewrites the upstream request's headers: drops whatever is not allowed, names the
 * target as Host, and sets X-Forwarded-For/-Proto/-Host from what the edge itself saw. A
 * client's own X-Forwarded-* values survive only where Express's `trust proxy` trusts the
 * hop that sent them (`req.ips` is the trusted part of the chain), so a client cannot
 * choose the IP a service counts quotas by.
 */
export function rewriteUpstreamHeaders(proxyReq: ClientRequest, incoming: IncomingMessage, targetHost: string): void {
  const req = incoming as Request;
  for (const name of proxyReq.getHeaderNames()) {
    if (!UPSTREAM_HEADERS.has(name)) proxyReq.removeHeader(name);
  }
  proxyReq.setHeader('host', targetHost);
  const chain = [...req.ips, req.socket.remoteAddress].filter((address): address is string => Boolean(address));
  if (chain.length > 0) proxyReq.setHeader('x-forwarded-for', chain.join(', '));
  proxyReq.setHeader('x-forwarded-proto', req.protocol);
  if (req.host) proxyReq.setHeader('x-forwarded-host', req.host);
}

import { Agent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestHandler, Response } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { BadGatewayError, GatewayTimeoutError, toErrorBody, type HttpError } from '@tp/errors';
import type { Logger } from '@tp/logging';
import { restoreClientHeaders } from '../security/upstream-headers';
import { answeredInFull, onUpstreamResponse } from './early-response';

export interface ServiceProxyOptions {
  service: string;
  target: string;
  /** Idle time on the upstream socket before we give up with 504 (a streaming upload is never idle). */
  upstreamTimeoutMs: number;
  /** Connections to this service (socketQueue admits at most this many requests at once). */
  maxSockets: number;
  logger: Logger;
  /** Called as the request starts streaming to the service (the upload lane counts chunked bodies here). */
  onStream?: (req: IncomingMessage, res: ServerResponse) => void;
}

const UPSTREAM_TIMEOUT = 'UPSTREAM_TIMEOUT';
/** The edge gave up on the client's request itself (request-deadlines.ts answered already). */
const CLIENT_DEADLINE = 'CLIENT_DEADLINE';
const UPSTREAM_REQUEST = 'upstreamRequest';

/** Cancels the call to the service for a request the edge gives up on (if it has started). */
export function abortUpstream(res: Response): void {
  const upstream = res.locals[UPSTREAM_REQUEST] as ClientRequest | undefined;
  upstream?.destroy(Object.assign(new Error('The edge ended the client request'), { code: CLIENT_DEADLINE }));
}

/**
 * One keep-alive agent per upstream: without it http-proxy opens a connection per request
 * and sends `Connection: close`, which halves throughput.
 */
function keepAliveAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, keepAliveMsecs: 1000, maxSockets, maxFreeSockets: 64, scheduling: 'lifo' });
}

function upstreamError(err: NodeJS.ErrnoException, service: string): HttpError {
  if (err.code === UPSTREAM_TIMEOUT || err.code === 'ETIMEDOUT') {
    return new GatewayTimeoutError(`The ${service} service did not answer in time`);
  }
  return new BadGatewayError(`The ${service} service is unavailable`);
}

function sendError(res: ServerResponse | Socket, req: IncomingMessage, error: HttpError): void {
  if (!('writeHead' in res)) {
    res.destroy();
    return;
  }
  if (res.headersSent) {
    // The upstream failed mid-response: all we can do is cut the connection.
    res.destroy();
    return;
  }
  const { status, body } = toErrorBody(error, String(req.id ?? 'unknown'));
  res.writeHead(status, { ...error.headers, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/**
 * Streams the request to the service (uploads) or sends the body the edge read (buffer-body.ts),
 * and streams the response back. Headers were reduced to the allowed ones by forwardHeaders.
 */
export function createServiceProxy(options: ServiceProxyOptions): RequestHandler {
  return createProxyMiddleware<IncomingMessage, ServerResponse>({
    target: options.target,
    agent: keepAliveAgent(options.maxSockets),
    // The edge sets X-Forwarded-* itself (http-proxy's xfwd appends to whatever the client sent).
    xfwd: false,
    // The service sees its own host; the public one is in X-Forwarded-Host.
    changeOrigin: true,
    logger: undefined,
    on: {
      proxyReq: (proxyReq: ClientRequest, req: IncomingMessage, res: ServerResponse) => {
        restoreClientHeaders(req, res as Response);
        // The request itself, not a closure over this hook's scope (which holds req and res too):
        // such a closure kept whole requests alive past young-generation GCs (see early-response.ts).
        (res as Response).locals[UPSTREAM_REQUEST] = proxyReq;
        proxyReq.setTimeout(options.upstreamTimeoutMs, () => {
          proxyReq.destroy(Object.assign(new Error('Upstream idle timeout'), { code: UPSTREAM_TIMEOUT }));
        });
        options.onStream?.(req, res);
      },
      // Hop-by-hop: the service's keep-alive with the edge says nothing about the client's
      // connection (http-proxy then answers per the client's own Connection header). A service
      // that closes (an early 413 with the body unread) closes the client's connection too;
      // onUpstreamResponse handles an answer that arrives while the client is still sending.
      proxyRes: (proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse) => {
        delete proxyRes.headers['keep-alive'];
        if (!/\bclose\b/i.test(proxyRes.headers['connection'] ?? '')) delete proxyRes.headers['connection'];
        onUpstreamResponse(proxyRes, req, res);
      },
      error: (err, req, res) => {
        if ((err as NodeJS.ErrnoException).code === CLIENT_DEADLINE) return;
        if (answeredInFull(req)) {
          options.logger.debug({ err, service: options.service, requestId: req.id }, 'Upstream closed after its answer');
          return;
        }
        const error = upstreamError(err as NodeJS.ErrnoException, options.service);
        options.logger.warn({ err, service: options.service, requestId: req.id }, error.message);
        sendError(res, req, error);
      },
    },
  }) as unknown as RequestHandler;
}

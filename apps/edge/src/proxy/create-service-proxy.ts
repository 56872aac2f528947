import { Agent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestHandler } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { BadGatewayError, GatewayTimeoutError, toErrorBody, type HttpError } from '@tp/errors';
import type { Logger } from '@tp/logging';
import { answeredInFull, onUpstreamResponse } from './early-response';

export interface ServiceProxyOptions {
  service: string;
  target: string;
  /** Idle time on the upstream socket before we give up with 504 (a streaming upload is never idle). */
  upstreamTimeoutMs: number;
  logger: Logger;
}

const UPSTREAM_TIMEOUT = 'UPSTREAM_TIMEOUT';

/**
 * One keep-alive agent per upstream: without it http-proxy opens a connection per request
 * and sends `Connection: close`, which halves throughput.
 */
function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, keepAliveMsecs: 1000, maxSockets: 512, maxFreeSockets: 64, scheduling: 'lifo' });
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
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/**
 * Streams the request to the service untouched (no body parser runs before it) and the
 * response back. The request id header set by the edge is forwarded as-is.
 */
export function createServiceProxy(options: ServiceProxyOptions): RequestHandler {
  return createProxyMiddleware<IncomingMessage, ServerResponse>({
    target: options.target,
    agent: keepAliveAgent(),
    xfwd: true,
    logger: undefined,
    on: {
      proxyReq: (proxyReq: ClientRequest) => {
        proxyReq.setTimeout(options.upstreamTimeoutMs, () => {
          proxyReq.destroy(Object.assign(new Error('Upstream idle timeout'), { code: UPSTREAM_TIMEOUT }));
        });
      },
      proxyRes: onUpstreamResponse,
      error: (err, req, res) => {
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

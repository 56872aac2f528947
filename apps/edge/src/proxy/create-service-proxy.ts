import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { BadGatewayError, GatewayTimeoutError, toErrorBody, type HttpError } from '@tp/errors';
import { closeAfterResponse } from '@tp/http';
import type { Logger } from '@tp/logging';
import { hasBody } from '../limits/request-deadlines';
import { upstreamHeaders } from '../security/upstream-headers';
import { exchangeOf, type Exchange } from './exchange';
import { answeredInFull, relayAnswer } from './relay-answer';

export interface ServiceProxyOptions {
  service: string;
  target: string;
  /** Idle time on the upstream socket before we give up with 504 (a streaming upload is never idle). */
  upstreamTimeoutMs: number;
  /** Connections to this service (socketQueue admits at most this many requests at once). */
  maxSockets: number;
  logger: Logger;
  /** Called as the request body starts streaming to the service (the upload lane counts chunked bodies here). */
  onStream?: (req: IncomingMessage, res: ServerResponse) => void;
}

const UPSTREAM_TIMEOUT = 'UPSTREAM_TIMEOUT';
/** The edge gave up on the client's request itself (request-deadlines.ts answered already). */
const CLIENT_DEADLINE = 'CLIENT_DEADLINE';

const codedError = (message: string, code: string) => Object.assign(new Error(message), { code });

/** Cancels the call to the service for a request the edge gives up on (if it has started). */
export function abortUpstream(res: Response): void {
  res.locals.exchange?.upstream?.destroy(codedError('The edge ended the client request', CLIENT_DEADLINE));
}

/**
 * One keep-alive agent per lane, as many sockets as socketQueue admits requests: a request
 * never waits inside the agent (where it could not be timed out), it waits in socketQueue.
 */
function keepAliveAgent(transport: typeof http | typeof https, maxSockets: number): http.Agent {
  return new transport.Agent({ keepAlive: true, keepAliveMsecs: 1000, maxSockets, maxFreeSockets: 64, scheduling: 'lifo' });
}

function upstreamError(err: NodeJS.ErrnoException, service: string): HttpError {
  if (err.code === UPSTREAM_TIMEOUT || err.code === 'ETIMEDOUT') {
    return new GatewayTimeoutError(`The ${service} service did not answer in time`);
  }
  return new BadGatewayError(`The ${service} service is unavailable`);
}

function sendError(req: Request, res: Response, error: HttpError): void {
  if (res.headersSent) {
    // The upstream failed mid-response: all we can do is cut the connection.
    res.destroy();
    return;
  }
  // An upload body still coming (the service died mid-PATCH): the connection closes after the
  // answer, so the client's next request never lands in the rest of this body.
  closeAfterResponse(req, res);
  const { status, body } = toErrorBody(error, String(req.id ?? 'unknown'));
  res.writeHead(status, { ...error.headers, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** An upstream error ends the exchange with 502/504, unless the edge itself ended it or the answer is through. */
function onUpstreamError(options: ServiceProxyOptions, exchange: Exchange, err: NodeJS.ErrnoException, req: Request, res: Response): void {
  if (err.code === CLIENT_DEADLINE) return;
  if (answeredInFull(exchange)) {
    options.logger.debug({ err, service: options.service, requestId: req.id }, 'Upstream closed after its answer');
    return;
  }
  const error = upstreamError(err, options.service);
  options.logger.warn({ err, service: options.service, requestId: req.id }, error.message);
  sendError(req, res, error);
}

/**
 * The hop to one service on node:http: the request goes with the headers upstreamHeaders
 * builds (the public path unchanged, after the target's own path), a body the edge read
 * (bufferBody) with `end(body)`, an upload body piped as it comes; the answer comes back
 * through relayAnswer. A client that leaves cancels the call; an upstream socket idle for
 * `upstreamTimeoutMs` ends it with 504.
 */
export function createServiceProxy(options: ServiceProxyOptions): RequestHandler {
  const target = new URL(options.target);
  const transport = target.protocol === 'https:' ? https : http;
  const agent = keepAliveAgent(transport, options.maxSockets);
  const basePath = target.pathname.replace(/\/$/, '');
  // node:http takes an IPv6 literal without the URL's brackets.
  const hostname = target.hostname.replace(/^\[(.*)\]$/, '$1');
  return (req, res) => {
    const exchange = exchangeOf(res);
    const body = exchange.body;
    // originalUrl: Express strips a mount path from req.url; the services expect the full public path.
    const path = basePath + req.originalUrl;
    const query = path.indexOf('?');
    const upstream = transport.request({
      protocol: target.protocol,
      hostname,
      port: target.port,
      method: req.method,
      path,
      // As url.urlToHttpOptions gives it: node:http ignores it, the HTTP instrumentation then parses no URL.
      pathname: query < 0 ? path : path.slice(0, query),
      headers: upstreamHeaders(req, target.host, body),
      agent,
    });
    exchange.upstream = upstream;
    upstream.setTimeout(options.upstreamTimeoutMs, () => upstream.destroy(codedError('Upstream idle timeout', UPSTREAM_TIMEOUT)));
    upstream.once('response', (answer: IncomingMessage) => relayAnswer(exchange, upstream, answer, req, res));
    upstream.on('error', (err: NodeJS.ErrnoException) => onUpstreamError(options, exchange, err, req, res));
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (body) upstream.end(body);
    else if (!hasBody(req)) upstream.end();
    else {
      options.onStream?.(req, res);
      req.pipe(upstream);
    }
  };
}

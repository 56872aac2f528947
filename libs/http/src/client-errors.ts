import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@tp/logging';
import { REQUEST_ID_HEADER, pickRequestId } from './request-id';

interface NodeAnswer {
  status: number;
  error: string;
  message: string;
}

/** How long a refused connection may take to read our answer before it is destroyed. */
const LINGER_MS = 1000;

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
};

/** Node's parser codes (llhttp `HPE_*`, its request timeout) as the API's statuses; anything else malformed is a 400. */
export function clientErrorAnswer(code: string | undefined): NodeAnswer {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, error: 'request_header_fields_too_large', message: 'The request line or headers are too large' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, error: 'payload_too_large', message: 'The chunk extensions are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, error: 'request_timeout', message: 'The request did not arrive in time' };
    case 'HPE_INVALID_METHOD':
      return { status: 400, error: 'bad_request', message: 'Unknown HTTP method' };
    default:
      return { status: 400, error: 'bad_request', message: 'Malformed HTTP request' };
  }
}

function rawResponse(answer: NodeAnswer, requestId: string, extra: Record<string, string> = {}): string {
  const body = JSON.stringify({ error: answer.error, message: answer.message, requestId });
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Request-Id': requestId,
    'Cache-Control': 'no-store',
    Connection: 'close',
    ...extra,
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${answer.status} ${REASONS[answer.status] ?? 'Error'}\r\n${lines.join('')}\r\n${body}`;
}

/** Writes the answer and ends the write side; the socket is destroyed once flushed, or after LINGER_MS. */
function answerOnSocket(socket: Duplex, text: string): void {
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
  // Unread request bytes are drained, so closing does not reset the connection under the answer.
  socket.on('data', () => undefined);
  socket.end(text, () => socket.destroy());
}

/**
 * Answers what never reaches Express in the API's format, `{error, message, requestId}` with
 * `Connection: close` and a log line: Node's parser refusals (`clientError`: 431 oversize URL or
 * headers, 400 unknown method or malformed request, 408 headers too slow), a bad `Expect` (417,
 * `checkExpectation`) and `CONNECT` (405: this is no proxy). Node's socket rules hold: a reset
 * or unwritable socket is destroyed, and so is one whose in-flight response already sent headers.
 */
export function answerClientErrors(server: Server, logger: Logger): void {
  const inFlight = new WeakMap<Duplex, ServerResponse>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight.set(req.socket, res);
    res.once('finish', () => inFlight.get(req.socket) === res && inFlight.delete(req.socket));
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const response = inFlight.get(socket);
    if (err.code === 'ECONNRESET' || !socket.writable || response?.headersSent) {
      socket.destroy();
      return;
    }
    const answer = clientErrorAnswer(err.code);
    const requestId = randomUUID();
    logger.warn({ requestId, status: answer.status, code: err.code, bytesParsed: (err as { bytesParsed?: number }).bytesParsed }, 'Client error answered by the HTTP layer');
    answerOnSocket(socket, rawResponse(answer, requestId));
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const requestId = pickRequestId(req.headers[REQUEST_ID_HEADER]);
    const body = JSON.stringify({ error: 'expectation_failed', message: 'Only `Expect: 100-continue` is supported', requestId });
    logger.warn({ requestId, status: 417, method: req.method }, 'Client error answered by the HTTP layer');
    res.writeHead(417, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'x-request-id': requestId,
      'cache-control': 'no-store',
      connection: 'close',
    });
    res.end(body);
  });
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    const requestId = pickRequestId(req.headers[REQUEST_ID_HEADER]);
    const answer = { status: 405, error: 'method_not_allowed', message: 'CONNECT is not supported: this server is not a proxy' };
    logger.warn({ requestId, status: 405, method: 'CONNECT' }, 'Client error answered by the HTTP layer');
    if (!socket.writable) socket.destroy();
    else answerOnSocket(socket, rawResponse(answer, requestId, { Allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS' }));
  });
}

import { connect } from 'node:net';

export interface SlowOutcome {
  /** HTTP status of the answer, or 0 when the edge closed the connection without one. */
  status: number;
  /** The raw answer (status line, headers and body) as received. */
  raw: string;
  /** Parsed JSON body when the answer has one. */
  body: Record<string, unknown> | undefined;
  elapsedMs: number;
  /** Bytes of the request body this client managed to send before the edge answered or closed. */
  bodyBytesSent: number;
}

export interface SlowRequest {
  /** http://host:port of the edge. */
  url: string;
  /** Request line and headers, without the blank line: sent at once unless headerIntervalMs is set. */
  head: string;
  /** Body bytes to trickle, `chunkBytes` every `intervalMs`. */
  bodyBytes: number;
  chunkBytes?: number;
  intervalMs: number;
  /** Trickle the head itself a few bytes at a time (slow headers). */
  headerIntervalMs?: number;
  /** Give up (and report) after this long, so a test is bounded whatever the edge does. */
  maxMs: number;
  /** Called once the head is written (slow headers: once the first bytes are). */
  onStarted?: () => void;
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (lineEnd === -1 || !size) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

function parse(raw: string): Pick<SlowOutcome, 'status' | 'body'> {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
  const [head = '', ...bodyParts] = raw.split('\r\n\r\n');
  const joined = bodyParts.join('\r\n\r\n');
  const text = /\r\ntransfer-encoding: chunked/i.test(head) ? dechunk(joined) : joined;
  try {
    return { status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  } catch {
    return { status, body: undefined };
  }
}

/**
 * A real slow client on a raw socket: it trickles its request as a slowloris does and
 * resolves when the edge answers and closes, closes, or `maxMs` passes.
 */
export function slowRequest(request: SlowRequest): Promise<SlowOutcome> {
  const { hostname, port } = new URL(request.url);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let raw = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(deadline);
      socket.destroy();
      resolve({ ...parse(raw), raw, elapsedMs: Date.now() - started, bodyBytesSent: sent });
    };
    const deadline = setTimeout(finish, request.maxMs);
    socket.on('data', (chunk) => (raw += chunk.toString()));
    socket.on('close', finish);
    socket.on('error', () => undefined);
    const head = `${request.head}\r\n\r\n`;
    const trickleBody = () => {
      if (finished || socket.destroyed || sent >= request.bodyBytes) return;
      const size = Math.min(request.chunkBytes ?? 1, request.bodyBytes - sent);
      socket.write(Buffer.alloc(size, 0x61));
      sent += size;
      timer = setTimeout(trickleBody, request.intervalMs);
    };
    let headSent = 0;
    const trickleHead = () => {
      if (finished || socket.destroyed) return;
      socket.write(head.slice(headSent, headSent + 2));
      headSent += 2;
      timer = headSent < head.length ? setTimeout(trickleHead, request.headerIntervalMs) : setTimeout(trickleBody, request.intervalMs);
    };
    socket.on('connect', () => {
      if (request.headerIntervalMs !== undefined) {
        request.onStarted?.();
        trickleHead();
        return;
      }
      socket.write(head, () => request.onStarted?.());
      timer = setTimeout(trickleBody, request.intervalMs);
    });
  });
}

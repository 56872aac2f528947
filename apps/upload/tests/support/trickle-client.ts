import { connect, type Socket } from 'node:net';

export interface TrickleOutcome {
  /** HTTP status of the answer, 0 when none came before the connection closed or `stop()`. */
  status: number;
  headers: string;
  body: Record<string, unknown> | undefined;
  elapsedMs: number;
}

export interface Trickle {
  /** Resolves once the server answered (and closed), or the client stopped. */
  outcome: Promise<TrickleOutcome>;
  /** The client goes away (destroys its socket). */
  stop: () => void;
}

export interface TrickleOptions {
  url: string;
  path: string;
  /** POST unless told (a tus PATCH: with `partHeader: false` and its own content-type). */
  method?: string;
  headers?: Record<string, string>;
  /** Bytes per write and time between writes (chunked body, never finished until `stop`). */
  chunkBytes: number;
  intervalMs: number;
  localAddress?: string;
  /** false: never send a part header, the whole body is preamble (busboy reads and drops it). */
  partHeader?: boolean;
}

/**
 * A client that trickles a chunked upload body (multipart unless told) on a raw socket: the part header at once,
 * then `chunkBytes` of file every `intervalMs`, forever, until the server answers or `stop()`.
 */
export function trickleUpload(options: TrickleOptions): Trickle {
  const { hostname, port } = new URL(options.url);
  const started = Date.now();
  const socket: Socket = connect({ host: hostname, port: Number(port), localAddress: options.localAddress });
  let raw = '';
  let timer: NodeJS.Timeout | undefined;
  let resolveOutcome: (outcome: TrickleOutcome) => void = () => undefined;
  const outcome = new Promise<TrickleOutcome>((resolve) => (resolveOutcome = resolve));
  const finish = () => {
    clearTimeout(timer);
    socket.destroy();
    const [head = '', ...rest] = raw.split('\r\n\r\n');
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
    const text = rest.join('\r\n\r\n');
    const json = text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1);
    let body: Record<string, unknown> | undefined;
    try {
      body = json ? (JSON.parse(json) as Record<string, unknown>) : undefined;
    } catch {
      body = undefined;
    }
    resolveOutcome({ status, headers: head, body, elapsedMs: Date.now() - started });
  };
  socket.on('data', (chunk) => (raw += chunk.toString('latin1')));
  socket.on('close', finish);
  socket.on('error', () => undefined);
  const chunk = (bytes: Buffer) => `${bytes.length.toString(16)}\r\n${bytes.toString('latin1')}\r\n`;
  const write = () => {
    if (socket.destroyed) return;
    socket.write(chunk(Buffer.alloc(options.chunkBytes, 0x61)), 'latin1');
    timer = setTimeout(write, options.intervalMs);
  };
  socket.on('connect', () => {
    const headers = Object.entries({ 'content-type': 'multipart/form-data; boundary=trickle', ...options.headers })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`${options.method ?? 'POST'} ${options.path} HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n${headers}\r\n`);
    if (options.partHeader ?? true) {
      socket.write(chunk(Buffer.from('--trickle\r\nContent-Disposition: form-data; name="file"; filename="slow.bin"\r\n\r\n')), 'latin1');
    }
    timer = setTimeout(write, options.intervalMs);
  });
  return { outcome, stop: () => socket.destroy() };
}

import { connect } from 'node:net';

/** An HTTP answer read off a raw socket: status, lower-case headers, body, and whether the server closed. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server ended the connection after the answer. */
  closed: boolean;
}

/**
 * Writes `request` byte for byte to `url`'s port (no HTTP client in between, so malformed
 * requests stay malformed) and reads until the server closes or `timeoutMs` passes.
 */
export function rawRequest(url: string, request: string | Buffer, timeoutMs = 5000): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let closed = false;
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => (closed = true));
    // A reset after the answer is still an answer; a reset before any byte is a failure.
    socket.on('error', (err) => (chunks.length === 0 ? reject(err) : undefined));
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = text.slice(0, split < 0 ? text.length : split).split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body: split < 0 ? '' : text.slice(split + 4), closed });
    });
    socket.write(request);
  });
}

/** A request left open on a raw socket: the test decides when its client goes away. */
export interface OpenRequest {
  /** Resolves with the first bytes of the answer once they arrive (its head, at least the status line). */
  firstBytes: Promise<string>;
  /** Destroys the socket, as a client that gives up does; resolves once it is closed. */
  cut: () => Promise<void>;
}

/** Writes `request` to `url`'s port and keeps the connection open until `cut()`. */
export function openRequest(url: string, request: string | Buffer): OpenRequest {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const firstBytes = new Promise<string>((resolve, reject) => {
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8')));
    socket.once('close', () => reject(new Error('the connection closed before any answer')));
  });
  // A test that cuts before any answer never reads firstBytes: its rejection is expected.
  firstBytes.catch(() => undefined);
  socket.on('error', () => undefined);
  socket.write(request);
  return {
    firstBytes,
    cut: () => {
      socket.destroy();
      return closed;
    },
  };
}

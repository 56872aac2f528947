import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { closeAfterResponse, type LingerLimits } from './close-after-response';

const LIMITS: LingerLimits = { maxBytes: 256 * 1024, maxMs: 1000 };
const CHUNK = Buffer.alloc(16 * 1024, 0x61);

/** Refuses `/upload` at once, before reading its body; `/read-first` only after reading all of it. */
async function refusingServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const refuse = () => {
      closeAfterResponse(req, res, LIMITS);
      res.statusCode = 413;
      res.setHeader('content-type', 'application/json');
      res.end('{"error":"payload_too_large"}');
    };
    if (req.url === '/read-first') req.resume().once('end', refuse);
    else refuse();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

interface RawExchange {
  socket: Socket;
  /** Everything the server sent, once it closed (a write failing after that counts as closed). */
  received: Promise<string>;
  /** Everything the server sent, once it ended its side. */
  ended: Promise<string>;
  /** Body bytes written until the server closed (a write failing counts as closed). */
  written: () => number;
}

/** A raw client that, like one busy uploading, keeps its side open when the server ends its own. */
function rawPost(port: number, headers: string, body?: Buffer, path = '/upload'): RawExchange {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  let text = '';
  let written = 0;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => undefined);
  const received = new Promise<string>((resolve) => socket.once('close', () => resolve(text)));
  const ended = new Promise<string>((resolve) => socket.once('end', () => resolve(text)));
  // Head and first body bytes in one write: the server sees them together.
  socket.write(Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: x\r\n${headers}\r\n`), body ?? Buffer.alloc(0)]));
  written += body?.length ?? 0;
  return { socket, received, ended, written: () => written };
}

/** Keeps writing until the server closes the connection. */
function keepSending(exchange: RawExchange): void {
  let sent = exchange.written();
  const pump = () => {
    if (exchange.socket.destroyed) return;
    while (exchange.socket.write(CHUNK)) sent += CHUNK.length;
    exchange.socket.once('drain', pump);
  };
  exchange.written = () => sent;
  pump();
}

describe('closeAfterResponse', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => ({ server, port } = await refusingServer()));
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers a request whose body is still coming with Connection: close and ends its side', async () => {
    const exchange = rawPost(port, 'Content-Length: 100000000\r\n', CHUNK);

    const text = await exchange.ended;

    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text).toMatch(/\r\nConnection: close\r\n/i);
    expect(text.endsWith('{"error":"payload_too_large"}')).toBe(true);
    exchange.socket.destroy();
  });

  it('reads and discards at most maxBytes after the answer from a client that keeps sending', async () => {
    const exchange = rawPost(port, 'Transfer-Encoding: chunked\r\n');
    exchange.socket.write(`${(10 * 1024 * 1024).toString(16)}\r\n`);
    keepSending(exchange);

    const text = await exchange.received;

    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    // The bound plus what socket buffers took: far from the 10 MB the client meant to send.
    expect(exchange.written()).toBeLessThan(LIMITS.maxBytes + 8 * 1024 * 1024);
  });

  it('still reads for maxMs after the answer, then closes', async () => {
    const exchange = rawPost(port, 'Content-Length: 100000000\r\n', Buffer.from('x'));
    await exchange.ended;
    const answeredAt = Date.now();
    // A byte now and then: accepted (read and discarded) until maxMs, refused (reset) after.
    const ticker = setInterval(() => exchange.socket.write('y'), 50);

    await exchange.received;
    clearInterval(ticker);

    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(LIMITS.maxMs - 100);
  });

  it('closes at once when the client ends its side after the answer', async () => {
    const exchange = rawPost(port, 'Content-Length: 1000\r\n', Buffer.from('x'));
    exchange.socket.once('data', () => exchange.socket.end());

    expect(await exchange.received).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('leaves a request whose body was read in full on keep-alive', async () => {
    const exchange = rawPost(port, 'Content-Length: 2\r\n', Buffer.from('ok'), '/read-first');
    const firstAnswer = await new Promise<string>((resolve) => exchange.socket.once('data', (chunk: string) => resolve(chunk)));

    expect(firstAnswer).toMatch(/\r\nConnection: keep-alive\r\n/i);
    exchange.socket.end();
    await exchange.received;
  });
});

import { createConnection, createServer, type AddressInfo, type Server } from 'node:net';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

/**
 * A server that answers after the first bytes as our services do (closeAfterResponse): the
 * answer, a FIN, then the rest of the body read and thrown away until the client is done.
 */
async function earlyAnsweringServer(): Promise<Server> {
  const server = createServer((socket) => {
    socket.once('data', () => socket.end('answer'));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/**
 * Sends `bytes` through the proxy, reading nothing for the first 300 ms (a busy client: its
 * answer waits in the kernel); resolves with what came back and how the connection ended.
 */
function sendThrough(proxy: TcpProxy, bytes: number): Promise<{ received: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: proxy.port });
    let received = '';
    let error: string | undefined;
    socket.pause();
    setTimeout(() => socket.resume(), 300);
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code));
    socket.once('close', () => resolve({ received, ...(error ? { error } : {}) }));
    const chunk = Buffer.alloc(64 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < bytes && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) return socket.once('drain', pump);
      }
      socket.end();
    };
    pump();
  });
}

describe('startTcpProxy', () => {
  it('passes on an answer and close sent before the body was read, not a reset in their place', async () => {
    const server = await earlyAnsweringServer();
    const proxy = await startTcpProxy('127.0.0.1', (server.address() as AddressInfo).port);
    try {
      for (let round = 0; round < 3; round++) {
        expect(await sendThrough(proxy, 16 * 1024 * 1024)).toEqual({ received: 'answer' });
      }
    } finally {
      await proxy.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('cuts every open connection when set to reset', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = await startTcpProxy('127.0.0.1', (server.address() as AddressInfo).port);
    try {
      const socket = createConnection({ host: '127.0.0.1', port: proxy.port });
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('connect', resolve));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const closed = new Promise((resolve) => socket.once('close', resolve));
      proxy.setMode('reset');
      await closed;
      expect(socket.destroyed).toBe(true);
    } finally {
      await proxy.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

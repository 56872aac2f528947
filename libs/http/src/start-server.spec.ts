import { connect, type AddressInfo } from 'node:net';
import { captureLogs } from '@tp/testing';
import { createServiceApp } from './create-service-app';
import { startServer, type RunningServer } from './start-server';

/** Resolves with the connect error code, or 'connected' when something still accepts connections. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('startServer', () => {
  let closerCalls: string[];
  let server: RunningServer | undefined;
  let slowStarted: () => void;
  let slowRequestArrived: Promise<void>;

  beforeEach(async () => {
    closerCalls = [];
    slowRequestArrived = new Promise<void>((resolve) => (slowStarted = resolve));
    const { logger } = captureLogs();
    const app = createServiceApp({
      logger,
      routes: (routes) => {
        routes.get('/slow', async (_req, res) => {
          slowStarted();
          await new Promise((resolve) => setTimeout(resolve, 300));
          res.json({ finished: true });
        });
        routes.get('/fast', (_req, res) => {
          res.json({ fast: true });
        });
      },
    });
    server = await startServer(app, {
      port: 0,
      host: '127.0.0.1',
      logger,
      shutdownTimeoutMs: 5000,
      closers: [
        async () => {
          closerCalls.push('database');
        },
        () => {
          closerCalls.push('redis');
        },
      ],
    });
  });

  afterEach(async () => {
    await server?.close();
  });

  it('listens on a random port and serves requests', async () => {
    expect(server!.port).toBeGreaterThan(0);
    expect(server!.url).toBe(`http://127.0.0.1:${server!.port}`);
    const response = await fetch(`${server!.url}/fast`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ fast: true });
  });

  it('lets an in-flight request finish on close, refuses new connections, and runs the closers once', async () => {
    const running = server!;
    const slow = fetch(`${running.url}/slow`);
    await slowRequestArrived;

    const closing = running.close();
    const closingAgain = running.close();

    // The listening socket is gone at once, while the slow request is still being served.
    expect(await tryConnect(running.port)).toBe('ECONNREFUSED');
    expect(closerCalls).toEqual([]);

    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });

    const started = Date.now();
    await Promise.all([closing, closingAgain]);
    // Drained by the request finishing, not by the shutdown timeout.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(closerCalls).toEqual(['database', 'redis']);

    await running.close();
    expect(closerCalls).toEqual(['database', 'redis']);
    expect(await tryConnect(running.port)).toBe('ECONNREFUSED');
  });

  it('fails readiness while draining, but stays live', async () => {
    const { logger } = captureLogs();
    const app = createServiceApp({ logger, routes: () => undefined });
    const draining = await startServer(app, { port: 0, host: '127.0.0.1', logger });
    // A second listener on the same app, as another probe path would see it.
    const probe = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => probe.once('listening', resolve));
    const probeUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${probeUrl}/health/ready`)).status).toBe(200);

      await draining.close();

      const ready = await fetch(`${probeUrl}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'down', reason: 'shutting down' });
      expect((await fetch(`${probeUrl}/health`)).status).toBe(200);
    } finally {
      probe.closeAllConnections();
      await new Promise((resolve) => probe.close(resolve));
    }
  });

  it('does not wait for idle keep-alive connections on close', async () => {
    const running = server!;
    // fetch keeps this connection open in its pool after the response.
    const response = await fetch(`${running.url}/fast`);
    await response.json();

    const started = Date.now();
    await running.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('runs the remaining closers when one of them fails', async () => {
    const { logger } = captureLogs();
    const calls: string[] = [];
    const other = await startServer(createServiceApp({ logger, routes: () => undefined }), {
      port: 0,
      host: '127.0.0.1',
      logger,
      closers: [
        () => {
          throw new Error('pool already closed');
        },
        () => {
          calls.push('redis');
        },
      ],
    });
    await other.close();
    expect(calls).toEqual(['redis']);
  });
});

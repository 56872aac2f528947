import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * How the proxy treats connections:
 * - `up`: forwards to the target (Postgres reachable);
 * - `reset`: drops every connection at once (a crashed or restarting server, a dead network path);
 * - `blackhole`: accepts and never answers (a hung host), so clients hit their connect timeout.
 */
export type ProxyMode = 'up' | 'reset' | 'blackhole';

export interface TcpProxy {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via: (url: string) => string;
  /** Switches mode; leaving `up` also cuts every open connection, as an outage would. */
  setMode: (mode: ProxyMode) => void;
  /** Runs `action` once `bytes` more request bytes (client to target, any connection) have passed: a cut mid-body. */
  afterBytes: (bytes: number, action: () => void) => void;
  /** Sends new connections to another port (a second replica taking over) and cuts the open ones. */
  retarget: (port: number) => void;
  close: () => Promise<void>;
}

export interface TcpProxyOptions {
  /** Listen on this port instead of a random one (a server that appears late on a known address). */
  listenPort?: number;
}

/** One side is gone: a reset goes on as a reset; after a clean close the other side ends, and goes within a second. */
function settle(other: Socket, hadError: boolean): void {
  if (hadError) {
    other.destroy();
    return;
  }
  other.end();
  const linger = setTimeout(() => other.destroy(), 1000);
  linger.unref();
  other.once('close', () => clearTimeout(linger));
}

/** A TCP proxy in front of a real server, so a test can take it away from one client without stopping it. */
export async function startTcpProxy(targetHost: string, targetPort: number, options: TcpProxyOptions = {}): Promise<TcpProxy> {
  let mode: ProxyMode = 'up';
  let target = targetPort;
  let armed: { left: number; action: () => void } | undefined;
  const count = (chunk: Buffer) => {
    if (!armed) return;
    armed.left -= chunk.length;
    if (armed.left > 0) return;
    const { action } = armed;
    armed = undefined;
    action();
  };
  const open = new Set<Socket>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => undefined);
  };

  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    track(client);
    if (mode === 'reset') {
      client.destroy();
      return;
    }
    if (mode === 'blackhole') return;
    const upstream = createConnection({ host: targetHost, port: target, allowHalfOpen: true });
    track(upstream);
    client.on('data', count);
    // Half-open, as over a network path: a FIN goes on as a FIN (pipe ends the other side) while
    // the other direction keeps flowing, so a server's early answer and close reach a client still
    // sending. Closing both at the first FIN would reset the client (RST, its bytes unread here)
    // and that discards the answer it has not read yet: a loss no real path causes.
    client.pipe(upstream).pipe(client);
    client.once('close', (hadError) => settle(upstream, hadError));
    upstream.once('close', (hadError) => settle(client, hadError));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    via: (url) => {
      const proxied = new URL(url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(port);
      return proxied.toString();
    },
    setMode: (next) => {
      mode = next;
      if (next !== 'up') for (const socket of open) socket.destroy();
    },
    afterBytes: (bytes, action) => {
      armed = { left: bytes, action };
    },
    retarget: (next) => {
      target = next;
      for (const socket of open) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

import { randomUUID } from 'node:crypto';
import type { RequestListener, Server } from 'node:http';
import type { Socket } from 'node:net';

const OVER_CAP = Symbol('overConnectionCap');

/** How long a connection over the cap may take to send the request we answer 503 to. */
const OVER_CAP_GRACE_MS = 2000;

type MarkedSocket = Socket & { [OVER_CAP]?: true };

/**
 * Counts open client connections. One past the cap is not dropped silently (what Node's
 * server.maxConnections does): its first request gets a 503 JSON with Retry-After, without
 * running the app, and the connection closes; if no request comes soon, it is closed anyway.
 */
export function capConnections(app: RequestListener, maxConnections: number): { listener: RequestListener; attach: (server: Server) => void } {
  let open = 0;
  const listener: RequestListener = (req, res) => {
    if (!(req.socket as MarkedSocket)[OVER_CAP]) {
      app(req, res);
      return;
    }
    const body = JSON.stringify({ error: 'service_unavailable', message: 'Too many open connections, retry shortly', requestId: randomUUID() });
    res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1', connection: 'close' });
    res.end(body);
  };
  const attach = (server: Server) => {
    server.on('connection', (socket: MarkedSocket) => {
      open += 1;
      socket.once('close', () => {
        open -= 1;
      });
      if (open <= maxConnections) return;
      socket[OVER_CAP] = true;
      const grace = setTimeout(() => socket.destroy(), OVER_CAP_GRACE_MS);
      grace.unref();
      socket.once('close', () => clearTimeout(grace));
    });
  };
  return { listener, attach };
}

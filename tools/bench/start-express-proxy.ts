import { Agent, type Server } from 'node:http';
import express, { type RequestHandler } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';

/**
 * Case (b): Express 5 + http-proxy-middleware 4 (httpxy) and nothing else, to separate what the
 * framework and proxy library cost from what the edge's own middleware chain adds.
 */
export function startExpressProxy(port: number, target: string, before: RequestHandler[] = []): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  // Case (f) puts its Redis call and request log here; case (b) has none.
  for (const middleware of before) app.use(middleware);
  // Same agent settings as the edge's hop (apps/edge/src/proxy/create-service-proxy.ts).
  const agent = new Agent({ keepAlive: true, keepAliveMsecs: 1000, maxSockets: 512, maxFreeSockets: 64, scheduling: 'lifo' });
  app.use(createProxyMiddleware({ target, agent, xfwd: true }));
  return new Promise((resolve) => {
    const server = app.listen(port, '127.0.0.1', () => {
      server.keepAliveTimeout = 65_000;
      resolve(server);
    });
  });
}

import { Agent, createServer, request, type Server } from 'node:http';
import { exitOnSigterm } from './exit-on-sigterm';

/**
 * Case (a), the ceiling: the least work a Node proxy hop can do — node:http in, one
 * keep-alive Agent out, bodies piped both ways, headers passed through untouched.
 */
export function startRawProxy(port: number, target: string): Promise<Server> {
  const upstream = new URL(target);
  // Same agent settings as the edge's proxy, so the comparison isolates the middleware.
  const agent = new Agent({ keepAlive: true, keepAliveMsecs: 1000, maxSockets: 512, maxFreeSockets: 64, scheduling: 'lifo' });
  const server = createServer((req, res) => {
    const proxyReq = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (proxyRes) => {
        res.writeHead(proxyRes.statusCode ?? 502, proxyRes.headers);
        proxyRes.pipe(res);
      },
    );
    proxyReq.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(proxyReq);
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (require.main === module) {
  exitOnSigterm();
  void startRawProxy(Number(process.env['PORT']), String(process.env['TARGET']));
}

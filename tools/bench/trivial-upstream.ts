import { createServer, type Server } from 'node:http';
import { exitOnSigterm } from './exit-on-sigterm';

// Pre-serialised once: the upstream must cost as little as possible so the numbers
// measure the proxy hop in front of it, not this server.
const BODY = Buffer.from('{"ok":true}');
const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(BODY.length) };

/** The stand-in service every proxy case points at: any method, any path → 200 `{"ok":true}`. */
export function startTrivialUpstream(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    // Drain any request body so the keep-alive connection stays reusable.
    req.resume();
    res.writeHead(200, HEADERS);
    res.end(BODY);
  });
  // Longer than the proxies' agent idle time, so they never reuse a socket we just closed.
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

// Run as its own process by the bench (see spawn-bench-process.ts).
if (require.main === module) {
  exitOnSigterm();
  void startTrivialUpstream(Number(process.env['PORT']));
}

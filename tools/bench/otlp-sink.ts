import { createServer, type Server } from 'node:http';
import { exitOnSigterm } from './exit-on-sigterm';

/**
 * The collector stand-in of the tracing cost rows: accepts OTLP/HTTP exports (protobuf or JSON)
 * on POST /v1/traces, drains and counts them, answers 200 `{}`; GET /count says how many spans'
 * export requests arrived, so a row can show tracing really exported.
 */
export function startOtlpSink(port: number): Promise<Server> {
  let exports = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ exports }));
      return;
    }
    req.resume();
    req.on('end', () => {
      exports += 1;
      res.writeHead(200, { 'content-type': String(req.headers['content-type'] ?? 'application/json') }).end(req.headers['content-type'] === 'application/json' ? '{}' : '');
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (require.main === module) {
  exitOnSigterm();
  void startOtlpSink(Number(process.env['PORT']));
}

import type { Server } from 'node:http';
import type { RequestHandler } from 'express';
import { Redis } from 'ioredis';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import { exitOnSigterm } from './exit-on-sigterm';
import { startExpressProxy } from './start-express-proxy';

// One atomic "count this hit in the window" round trip, as the edge's limiter makes per request.
const HIT = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

/**
 * Case (f), the floor of the design card: bare Express 5 + http-proxy-middleware (case b) plus
 * only the two things the edge cannot skip without trading something away: one Redis round trip
 * per request (the shared rate-limit count) and one pino-http line per request. No JWT, no
 * security headers, no metrics, no time bounds. The edge can come close to this, never below it.
 */
export function startFloorProxy(port: number, target: string, redisUrl: string): Promise<Server> {
  const redis = new Redis(redisUrl, { enableAutoPipelining: true });
  // The same fields as the edge's request line (libs/logging), from pino-http's completion listener.
  const requestLog = pinoHttp({
    logger: pino({ level: 'info', timestamp: pino.stdTimeFunctions.isoTime }),
    quietReqLogger: true,
    customSuccessMessage: () => 'Request completed',
    customSuccessObject: (req, res, value: { responseTime: number }) => ({
      requestId: req.id,
      method: req.method,
      url: req.url,
      statusCode: res.statusCode,
      responseTime: value.responseTime,
    }),
  });
  const countHit: RequestHandler = (req, _res, next) => {
    redis.eval(HIT, 1, `bench:floor:${req.socket.remoteAddress}`, 60_000).then(() => next(), next);
  };
  return startExpressProxy(port, target, [requestLog, countHit]);
}

if (require.main === module) {
  exitOnSigterm();
  void startFloorProxy(Number(process.env['PORT']), String(process.env['TARGET']), String(process.env['REDIS_URL']));
}

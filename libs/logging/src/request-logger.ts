import type { IncomingMessage, ServerResponse } from 'node:http';
import { stdSerializers, type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { getRequestContext } from './request-context';
import { redactUrl } from './redact-url';

interface RequestLoggerOptions {
  /** Paths that are not worth a line each (health probes). */
  ignorePaths?: string[];
}

function lineFields(req: IncomingMessage, res: ServerResponse, responseTime: number) {
  const userId = getRequestContext()?.userId;
  return {
    method: req.method,
    url: redactUrl(req.url ?? ''),
    statusCode: res.statusCode,
    responseTime,
    ...(userId ? { userId } : {}),
  };
}

/**
 * With quietReqLogger + quietResLogger pino-http still builds, and never uses, a
 * `logger.child({ req })` per request; pino serialises, redacts and stringifies every
 * header for it eagerly (~8-13 µs per request measured). Dropping `req` makes that child free.
 * Our lines never carry `req`; `res` and `err` keep pino-http's usual serializers.
 */
const REQUEST_LOG_SERIALIZERS = {
  req: () => undefined,
  // What pino-http's wrapping of the standard serializers resolves to.
  res: stdSerializers.res,
  err: stdSerializers.err,
};

/**
 * One flat JSON line per request: level, time, requestId, method, url, statusCode,
 * responseTime (ms), userId when known, msg "Request completed". Headers are never
 * logged, so credentials cannot leak through them.
 */
export function createRequestLogger(logger: Logger, options: RequestLoggerOptions = {}): HttpLogger {
  const ignore = new Set(options.ignorePaths ?? []);
  return pinoHttp({
    logger,
    wrapSerializers: false,
    serializers: REQUEST_LOG_SERIALIZERS,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    genReqId: (req) => req.id ?? getRequestContext()?.requestId ?? 'unknown',
    autoLogging: { ignore: (req) => ignore.has((req.url ?? '').split('?')[0] ?? '') },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: () => 'Request completed',
    customErrorMessage: () => 'Request completed',
    customSuccessObject: (req, res, value: { responseTime: number }) => lineFields(req, res, value.responseTime),
    customErrorObject: (req, res, err, value: { responseTime: number }) => ({
      ...lineFields(req, res, value.responseTime),
      err,
    }),
  });
}

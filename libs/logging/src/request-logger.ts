import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { stdSerializers, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { getRequestContext } from './request-context';
import { redactUrl } from './redact-url';
import { responseOutcome } from './response-outcome';

interface RequestLoggerOptions {
  /** Paths that are not worth a line each (health probes). */
  ignorePaths?: string[];
  /**
   * Called once per request when its response finished or the client went away (ignored
   * paths too), from the same listener that writes the log line: the HTTP metrics hook.
   */
  onResponse?: (req: IncomingMessage, res: ServerResponse, startedAt: number | undefined) => void;
}

/** What a 5xx line says about the error: never its other properties, which could hold anything. */
function errorSummary(err: Error) {
  return { type: err.name, message: err.message, stack: err.stack };
}

function lineFields(req: IncomingMessage, res: ServerResponse, responseTime: number) {
  const context = req.requestContext ?? getRequestContext();
  const outcome = responseOutcome(res);
  return {
    requestId: context?.requestId ?? req.id,
    method: req.method,
    // The target as sent: a router mounted at a prefix (Express) strips it from req.url meanwhile.
    url: redactUrl((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? ''),
    statusCode: outcome.statusCode,
    ...(outcome.aborted ? { aborted: true } : {}),
    responseTime,
    ...(context?.userId ? { userId: context.userId } : {}),
  };
}

const lineMessage = (res: ServerResponse) => (responseOutcome(res).aborted ? 'Request aborted' : 'Request completed');

/**
 * The request line's logger, made once per app: the line's fields are fixed and already safe
 * (the URL goes through redactUrl, headers are never logged, an error is reduced to type,
 * message and stack), so it skips pino's redaction, whose wildcard paths otherwise run on every
 * field of every line. pino-http's own child per request (`{ req }`, serialised to nothing) is
 * then a plain object; `quietReqLogger: false` saves the second child it would add.
 */
function requestLineLogger(logger: Logger): Logger {
  return logger.child({}, { redact: { paths: [] }, serializers: { req: () => undefined, res: stdSerializers.res } });
}

/**
 * One flat JSON line per request: level, time, requestId, method, url, statusCode,
 * responseTime (ms), userId when known, msg "Request completed". A response cut before it
 * ended (the client went away) says "Request aborted" with `aborted: true` and the status of
 * responseOutcome (499 when nothing was sent), at info unless it failed: a client leaving is
 * not our error. Headers are never logged, so credentials cannot leak through them.
 * `req.log`/`res.log` are the app's own (redacting) logger, whose mixin tags lines with the
 * request: nothing unredacted leaks out.
 */
export function createRequestLogger(logger: Logger, options: RequestLoggerOptions = {}): RequestHandler {
  const ignore = new Set(options.ignorePaths ?? []);
  const isIgnored = (req: IncomingMessage) => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    return ignore.has(query < 0 ? url : url.slice(0, query));
  };
  const onResponse = options.onResponse;
  // Responses that emitted 'error' (pino-http's err): a failure whatever the status. pino-http
  // also makes a stand-in error for any res.statusCode >= 500, but a 5xx a handler set and
  // never sent (the client left first) is a 499, no failure of ours.
  const raised = new WeakSet<ServerResponse>();
  const failed = (res: ServerResponse) => raised.has(res) || responseOutcome(res).statusCode >= 500;
  const httpLogger = pinoHttp({
    logger: requestLineLogger(logger),
    wrapSerializers: false,
    quietReqLogger: false,
    quietResLogger: false,
    genReqId: (req) => req.id ?? getRequestContext()?.requestId ?? 'unknown',
    // pino-http calls customLogLevel exactly once per request, from its one completion listener
    // (finish, close or error): the metrics hook rides on it instead of listeners of its own.
    customLogLevel: (req, res, err) => {
      onResponse?.(req, res, req.requestContext?.startedAt);
      if (isIgnored(req)) return 'silent';
      if (err) raised.add(res);
      return failed(res) ? 'error' : 'info';
    },
    customSuccessMessage: (_req, res) => lineMessage(res),
    customErrorMessage: (_req, res) => lineMessage(res),
    customSuccessObject: (req, res, value: { responseTime: number }) => lineFields(req, res, value.responseTime),
    customErrorObject: (req, res, err, value: { responseTime: number }) =>
      failed(res) ? { ...lineFields(req, res, value.responseTime), err: errorSummary(err) } : lineFields(req, res, value.responseTime),
  });
  return (req, res, next) => {
    // Set first, so pino-http keeps them instead of exposing its unredacted line logger.
    req.log = logger;
    res.log = logger;
    httpLogger(req, res, next);
  };
}

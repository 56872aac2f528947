import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { toErrorBody } from './error-body';
import { HttpError, NotFoundError, PayloadTooLargeError, ValidationError } from './http-errors';

/**
 * Client faults other libraries throw untyped, as our typed errors: body-parser marks its
 * failures with `type`; Express's router throws a URIError when a path parameter's
 * percent-encoding is malformed (`/flags/%zz`), for every service and route in one place.
 */
function fromLibraries(err: unknown): HttpError | undefined {
  if (err instanceof URIError) return new ValidationError('The URL path has malformed percent-encoding');
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return new ValidationError('Request body is not valid JSON');
  if (type === 'entity.too.large') return new PayloadTooLargeError('Request body is too large');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new ValidationError('Unsupported request body encoding');
  }
  return undefined;
}

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new NotFoundError(`No route for ${req.method} ${req.path}`));
}

/**
 * The one place errors become responses. Handlers throw; this renders
 * `{ error, message, requestId, upgradeUrl? }`. 5xx are logged with the stack, 4xx are not noise.
 */
export function errorMiddleware(fallbackLogger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    const known = err instanceof HttpError ? err : fromLibraries(err);
    const requestId = String(req.id ?? res.getHeader('x-request-id') ?? 'unknown');
    const { status, body } = toErrorBody(known ?? err, requestId);
    const log = (req.log as Logger | undefined) ?? fallbackLogger;
    if (status >= 500) log.error({ err, requestId }, 'Request failed');
    if (res.headersSent) {
      // Too late for a JSON body: let Express close the connection.
      next(err);
      return;
    }
    if (known?.headers) res.set(known.headers);
    res.status(status).json(body);
  };
}

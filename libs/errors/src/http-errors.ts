/**
 * Typed errors that handlers throw. The error middleware turns each into the
 * public JSON body `{ error, message, requestId, upgradeUrl? }` with its status.
 * `expose` is false only for unexpected failures, whose message must never reach a client.
 */
export interface HttpErrorOptions {
  upgradeUrl?: string;
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class HttpError extends Error {
  readonly upgradeUrl?: string;
  readonly details?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options: HttpErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.upgradeUrl = options.upgradeUrl;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export class ValidationError extends HttpError {
  constructor(message: string, options?: HttpErrorOptions) {
    super(400, 'validation_failed', message, options);
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = 'Authentication required', options?: HttpErrorOptions) {
    super(401, 'unauthorized', message, options);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'Forbidden', options?: HttpErrorOptions) {
    super(403, 'forbidden', message, options);
  }
}

export class NotFoundError extends HttpError {
  constructor(message = 'Not found', options?: HttpErrorOptions) {
    super(404, 'not_found', message, options);
  }
}

export class MethodNotAllowedError extends HttpError {
  constructor(message = 'Method not allowed', options?: HttpErrorOptions) {
    super(405, 'method_not_allowed', message, options);
  }
}

export class RequestTimeoutError extends HttpError {
  constructor(message = 'The request did not arrive in time', options?: HttpErrorOptions) {
    super(408, 'request_timeout', message, options);
  }
}

export class ConflictError extends HttpError {
  constructor(message: string, options?: HttpErrorOptions) {
    super(409, 'conflict', message, options);
  }
}

/** The resource existed and is gone for good (an upload past its retention). */
export class GoneError extends HttpError {
  constructor(message = 'Gone', options?: HttpErrorOptions) {
    super(410, 'gone', message, options);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(message = 'Payload too large', options?: HttpErrorOptions) {
    super(413, 'payload_too_large', message, options);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(message = 'Unsupported content type', options?: HttpErrorOptions) {
    super(415, 'unsupported_media_type', message, options);
  }
}

export class TooManyRequestsError extends HttpError {
  constructor(message = 'Too many requests', options?: HttpErrorOptions) {
    super(429, 'too_many_requests', message, options);
  }
}

export class BadGatewayError extends HttpError {
  constructor(message = 'Upstream service unavailable', options?: HttpErrorOptions) {
    super(502, 'bad_gateway', message, options);
  }
}

export class ServiceUnavailableError extends HttpError {
  constructor(message = 'Service temporarily unavailable', options?: HttpErrorOptions) {
    super(503, 'service_unavailable', message, options);
  }
}

export class GatewayTimeoutError extends HttpError {
  constructor(message = 'Upstream service timed out', options?: HttpErrorOptions) {
    super(504, 'gateway_timeout', message, options);
  }
}

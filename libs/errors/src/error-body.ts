import { ERROR_CODE_ATTRIBUTE, tagServerSpan } from '@tp/telemetry';
import { HttpError } from './http-errors';

export interface ErrorBody {
  error: string;
  message: string;
  requestId: string;
  upgradeUrl?: string;
  details?: Record<string, unknown>;
}

/**
 * Shapes every error response. Unknown errors become a bland 500 so no internals leak. The code
 * also goes on the request's server span (when traced), so a failed span says why.
 */
export function toErrorBody(err: unknown, requestId: string): { status: number; body: ErrorBody } {
  tagServerSpan(ERROR_CODE_ATTRIBUTE, err instanceof HttpError ? err.code : 'internal_error');
  if (err instanceof HttpError) {
    const body: ErrorBody = { error: err.code, message: err.message, requestId };
    if (err.upgradeUrl) body.upgradeUrl = err.upgradeUrl;
    if (err.details) body.details = err.details;
    return { status: err.status, body };
  }
  return {
    status: 500,
    body: { error: 'internal_error', message: 'Internal server error', requestId },
  };
}

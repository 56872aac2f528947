import { z } from 'zod';

/** The one error body every service renders (libs/errors toErrorBody). */
export const errorBodySchema = z.object({
  error: z.string().describe('Stable machine-readable code, e.g. `validation_failed`'),
  message: z.string(),
  requestId: z.string().describe('Also in the X-Request-Id response header'),
  upgradeUrl: z.string().optional().describe('Where a FREE user can upgrade, when the plan is the reason'),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (the message names the field)',
  401: 'Missing, malformed, expired or invalid bearer token',
  403: 'Authenticated but not allowed (role or plan)',
  404: 'Not found',
  409: 'Conflict with an existing resource',
  410: 'Gone for good (e.g. an upload past its retention)',
  413: 'Payload too large for the caller’s tier',
  429: 'Rate limit exceeded (see Retry-After and RateLimit headers)',
  502: 'The service behind the edge refused the connection',
  503: 'A dependency or feature is unavailable; retry later',
  504: 'The service behind the edge did not answer in time',
};

export const BEARER_SCHEME = 'bearerAuth';

export const SECURITY_SCHEMES = {
  [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Keycloak access token (RS256)' },
};

export const ERROR_SCHEMA_REF = { $ref: '#/components/schemas/ErrorBody' };

export function errorResponse(status: number) {
  return {
    description: ERROR_DESCRIPTIONS[status] ?? 'Error',
    content: { 'application/json': { schema: ERROR_SCHEMA_REF } },
  };
}

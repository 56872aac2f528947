import { z } from 'zod';

/** The one error body every service renders (libs/errors toErrorBody). */
export const errorBodySchema = z
  .object({
    error: z.string().max(64).regex(/^[a-z_]+$/).describe('Stable machine-readable code, e.g. `validation_failed`'),
    message: z.string().max(2000).describe('What went wrong, for a human'),
    requestId: z.string().max(128).regex(/^[\w.:-]+$/).describe('Also in the X-Request-Id response header'),
    upgradeUrl: z.string().max(2048).optional().describe('Where a FREE user can upgrade, when the plan is the reason'),
    details: z.record(z.string().max(64), z.unknown()).optional().describe('Machine-readable facts about the refusal (limits, tier, quota)'),
  })
  .strict();

export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: a malformed parameter, query, header or body (the message names the field)',
  401: 'Missing, malformed, expired or invalid credentials',
  403: 'Authenticated but not allowed (role or plan)',
  404: 'Not found',
  408: 'The request (headers or body) did not arrive in time',
  409: 'Conflict with an existing resource',
  410: 'Gone: the resource existed and has expired (e.g. an upload past its retention)',
  413: 'Payload too large (the edge’s body limit, or the caller’s tier)',
  415: 'Unsupported request content type',
  429: 'Too many requests (see Retry-After and the RateLimit headers)',
  500: 'Unexpected failure (logged with the request id; never expected)',
  502: 'The service behind the edge refused the connection',
  503: 'A dependency or feature is unavailable, or the edge is at its connection cap; retry after Retry-After',
  504: 'The request or the service behind the edge did not complete in time',
};

export const BEARER_SCHEME = 'bearerAuth';

/** Every way a caller proves who it is; a route names the ones it takes (`auth`, `security`). */
export const SECURITY_SCHEMES = {
  [BEARER_SCHEME]: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'Keycloak access token: RS256 only, `typ` Bearer, issuer, audience, expiry and not-before checked, as RFC8725 (JWT best current practices) asks',
  },
  docsQueryToken: {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description: "An admin access token on a browser's first load of /docs: verified, moved into the docs cookie, answered 303 to the URL without it (redacted from request logs)",
  },
  docsCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: '__Secure-tp-docs-token',
    description: 'Set by that 303 (HttpOnly; Secure; SameSite=Strict; Path=/docs; short-lived); its token is verified on every /docs request; never accepted by the API',
  },
  uploadToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Upload-Token',
    description: 'The one-time read-back token an anonymous upload answered with',
  },
  paddleSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'Paddle-Signature',
    description: '`ts=<unix seconds>;h1=<hex HMAC-SHA256 of "ts:rawBody">` with the webhook secret (several h1 during a secret rotation)',
  },
} as const;

export type SecuritySchemeName = keyof typeof SECURITY_SCHEMES;

export const ERROR_SCHEMA_REF = { $ref: '#/components/schemas/ErrorBody' };

const header = (description: string, schema: Record<string, unknown>) => ({ description, schema });

/** The draft-8 rate-limit headers (express-rate-limit at the edge) and Retry-After. */
export const RATE_LIMIT_HEADERS = {
  RateLimit: header('Remaining quota of the policy, e.g. `"100-in-1min"; r=42; t=17` (draft-ietf-httpapi-ratelimit-headers-08)', {
    type: 'string',
    maxLength: 256,
  }),
  'RateLimit-Policy': header('The policy, e.g. `"100-in-1min"; q=100; w=60; pk=…`', { type: 'string', maxLength: 256 }),
};

export const RETRY_AFTER_HEADER = {
  'Retry-After': header('Seconds to wait before retrying', { type: 'string', pattern: '^[0-9]{1,10}$', maxLength: 10 }),
};

/** A rate-limited operation: every 2xx and 4xx answer may carry the RateLimit pair (absent when refused before the limiter ran). */
export function withRateLimitHeaders(operation: { responses?: Record<string, unknown> }): void {
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    if (!/^[24]/.test(status) || typeof response !== 'object' || response === null) continue;
    const withHeaders = response as { headers?: Record<string, unknown> };
    withHeaders.headers = { ...RATE_LIMIT_HEADERS, ...withHeaders.headers };
  }
}

/** 429 and 503 say when to come back; the RateLimit pair is there when the edge's limiter ran. */
const RETRY_STATUSES = new Set([429, 503]);

export function errorResponse(status: number) {
  return {
    description: ERROR_DESCRIPTIONS[status] ?? 'Error',
    ...(RETRY_STATUSES.has(status) ? { headers: { ...RATE_LIMIT_HEADERS, ...RETRY_AFTER_HEADER } } : {}),
    content: { 'application/json': { schema: ERROR_SCHEMA_REF } },
  };
}

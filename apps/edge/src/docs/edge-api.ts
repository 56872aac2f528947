import { z } from 'zod';
import { ApiRegistry, type RouteDoc } from '@tp/openapi';
import { DOCS_COOKIE, DOCS_COOKIE_MAX_AGE_S } from './docs-access';

// Public: status and latency only; the error detail of a failing check goes to the edge's log.
const checkSchema = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  latencyMs: z.number(),
  checks: z.record(z.string(), z.object({ status: z.enum(['ok', 'degraded', 'down']), latencyMs: z.number() })).optional(),
});
const healthReportSchema = z.object({ status: z.enum(['ok', 'degraded', 'down']), checks: z.record(z.string(), checkSchema) });

const health = (path: string, summary: string): RouteDoc => ({
  method: 'get',
  path,
  summary,
  tags: ['health'],
  auth: 'none',
  responses:
    path === '/health'
      ? { 200: { description: 'Alive', json: z.object({ status: z.literal('ok') }) } }
      : { 200: { description: 'ok or degraded', json: healthReportSchema }, 503: { description: 'A required dependency is down', json: healthReportSchema } },
});

/** How a browser authenticates to /docs (declared in the edge's document only; see docs-access.ts). */
export const DOCS_QUERY_SCHEME = 'docsQueryToken';
export const DOCS_COOKIE_SCHEME = 'docsCookie';
export const DOCS_SECURITY_SCHEMES = {
  [DOCS_QUERY_SCHEME]: {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description: "An admin access token on a browser's first load: verified, moved into the docs cookie, answered 303 to the URL without it",
  },
  [DOCS_COOKIE_SCHEME]: {
    type: 'apiKey',
    in: 'cookie',
    name: DOCS_COOKIE,
    description: `Set by that 303 (HttpOnly; Secure; SameSite=Strict; Path=/docs; ${DOCS_COOKIE_MAX_AGE_S} s); its token is verified on every /docs request; never accepted by the API`,
  },
};

const DOCS_ERRORS = [403];

const movedToCookie = {
  303: {
    description: 'A `?token=` was verified: it is now the docs cookie; follow Location (the same URL without the token)',
    headers: {
      Location: { description: 'The same path and query without `token`', schema: { type: 'string' } },
      'Set-Cookie': { description: `${DOCS_COOKIE}=…; Path=/docs; Max-Age=${DOCS_COOKIE_MAX_AGE_S}; HttpOnly; Secure; SameSite=Strict`, schema: { type: 'string' } },
    },
  },
};
const docsAuth = { auth: 'required', alsoAuthenticatedBy: [DOCS_QUERY_SCHEME, DOCS_COOKIE_SCHEME] } as const;

export const docsPageRoute = {
  method: 'get',
  path: '/docs',
  summary: 'Swagger UI for this document',
  tags: ['docs'],
  ...docsAuth,
  responses: { 200: { description: 'The Swagger UI page', mediaType: 'text/html' }, ...movedToCookie },
  errors: DOCS_ERRORS,
} satisfies RouteDoc;

export const docsInitializerRoute = {
  method: 'get',
  path: '/docs/swagger-initializer.js',
  summary: 'Swagger UI start-up script (loads /docs/openapi.json, with the docs cookie)',
  tags: ['docs'],
  ...docsAuth,
  responses: { 200: { description: 'JavaScript', mediaType: 'text/javascript' }, ...movedToCookie },
  errors: DOCS_ERRORS,
} satisfies RouteDoc;

export const docsDocumentRoute = {
  method: 'get',
  path: '/docs/openapi.json',
  summary: 'This OpenAPI 3.1 document (every service merged)',
  tags: ['docs'],
  ...docsAuth,
  responses: { 200: { description: 'The document; `x-unavailable` lists services that did not answer', json: z.record(z.string(), z.unknown()) }, ...movedToCookie },
  errors: DOCS_ERRORS,
} satisfies RouteDoc;

/** The edge's own public routes: health, and the docs when enabled (declared by docsRoutes). */
export function edgeApiRegistry(): ApiRegistry {
  const api = new ApiRegistry();
  api.route(health('/health', 'Liveness (no dependency calls)'));
  api.route(health('/health/ready', 'Readiness: Redis and the routed services'));
  api.route(health('/health/detailed', 'Every check with status and latency'));
  return api;
}

import { z } from 'zod';
import { ApiRegistry, type RouteDoc } from '@tp/openapi';
import { DOCS_COOKIE, DOCS_COOKIE_MAX_AGE_S } from './docs-access';

const status = z.enum(['ok', 'degraded', 'down']);
const checkName = z.string().max(64);
// Public: status and latency only; the error detail of a failing check goes to the edge's log.
const checkSchema = z.object({
  status,
  latencyMs: z.number().min(0),
  checks: z.record(checkName, z.object({ status, latencyMs: z.number().min(0) })).optional(),
});
const healthReportSchema = z.object({
  status,
  checks: z.record(checkName, checkSchema),
  reason: z.string().max(64).optional().describe('Why the replica is not ready without a check saying so (`shutting down`)'),
});

const liveness: RouteDoc = {
  method: 'get',
  path: '/health',
  summary: 'Liveness (no dependency calls)',
  description: 'Answers 200 while the process serves requests; calls no dependency, so it never fails because one is down.',
  tags: ['health'],
  auth: 'none',
  responses: { 200: { description: 'Alive', json: z.object({ status: z.literal('ok') }) } },
};

const readiness: RouteDoc = {
  method: 'get',
  path: '/health/ready',
  summary: 'Readiness: Redis and the routed services',
  description: 'The readiness checks only: 503 takes this replica out of rotation (a routed service down, or shutting down).',
  tags: ['health'],
  auth: 'none',
  responses: { 200: { description: 'ok or degraded', json: healthReportSchema }, 503: { description: 'Not ready', json: healthReportSchema } },
};

const detailed: RouteDoc = {
  method: 'get',
  path: '/health/detailed',
  summary: 'Every check with status and latency',
  description: 'Every dependency check, one shared round per HEALTH_CACHE_MS, HEALTH_RATE_LIMIT_MAX calls per IP per window (429 past it).',
  tags: ['health'],
  auth: 'none',
  rateLimited: true,
  responses: { 200: { description: 'ok or degraded', json: healthReportSchema }, 503: { description: 'A required dependency is down', json: healthReportSchema } },
  // 408 and 504 (the edge's time bounds) listed here too, so they carry the RateLimit headers of this limited route.
  errors: [408, 429, 504],
};

// 429: a refused token counts against the caller's IP like on any other route.
const DOCS_ERRORS = [403, 429];

const movedToCookie = {
  303: {
    description: 'A `?token=` was verified: it is now the docs cookie; follow Location (the same URL without the token)',
    headers: {
      Location: { description: 'The same path and query without `token`', schema: { type: 'string', maxLength: 8192 } },
      'Set-Cookie': { description: `${DOCS_COOKIE}=…; Path=/docs; Max-Age=${DOCS_COOKIE_MAX_AGE_S}; HttpOnly; Secure; SameSite=Strict`, schema: { type: 'string', maxLength: 8192 } },
    },
  },
};
const docsAuth = { auth: 'required', credentials: ['docsQueryToken', 'docsCookie'] } satisfies Pick<RouteDoc, 'auth' | 'credentials'>;

export const docsPageRoute = {
  method: 'get',
  path: '/docs',
  summary: 'Swagger UI for this document',
  description: 'The Swagger UI page (assets from the installed swagger-ui-dist, no CDN), for an admin token as Bearer, `?token=` on the first load (moved into the docs cookie) or the docs cookie.',
  tags: ['docs'],
  ...docsAuth,
  responses: { 200: { description: 'The Swagger UI page', mediaType: 'text/html', maxLength: 4096 }, ...movedToCookie },
  errors: DOCS_ERRORS,
} satisfies RouteDoc;

export const docsInitializerRoute = {
  method: 'get',
  path: '/docs/swagger-initializer.js',
  summary: 'Swagger UI start-up script (loads /docs/openapi.json, with the docs cookie)',
  description: 'The script that starts Swagger UI on /docs/openapi.json; the browser sends the docs cookie along, no token in any URL.',
  tags: ['docs'],
  ...docsAuth,
  responses: { 200: { description: 'JavaScript', mediaType: 'text/javascript', maxLength: 8192 }, ...movedToCookie },
  errors: DOCS_ERRORS,
} satisfies RouteDoc;

export const docsDocumentRoute = {
  method: 'get',
  path: '/docs/openapi.json',
  summary: 'This OpenAPI 3.1 document (every service merged)',
  description: 'The edge’s routes and every service’s fragment merged on request (complete documents cached 10 s).',
  tags: ['docs'],
  ...docsAuth,
  responses: {
    200: { description: 'The document; `x-unavailable` lists services that did not answer', json: z.record(z.string().max(256), z.unknown()) },
    ...movedToCookie,
  },
  errors: DOCS_ERRORS,
} satisfies RouteDoc;

/** Served from the installed swagger-ui-dist (declared, not mounted through the registry: express.static serves them). */
export const docsAssetRoute = {
  method: 'get',
  path: '/docs/:asset',
  summary: 'Swagger UI assets (scripts, styles, icons)',
  description: 'The files of the installed swagger-ui-dist the page loads; an unknown name is a 404.',
  tags: ['docs'],
  ...docsAuth,
  params: z.object({ asset: z.string().max(64).describe('A swagger-ui-dist file name, e.g. `swagger-ui.css`') }),
  responses: {
    200: { description: 'The file (CSS, JavaScript, PNG or source map)', mediaType: '*/*', maxLength: 2_000_000 },
    304: { description: 'Not modified: the If-None-Match ETag or If-Modified-Since date is still current (no body)' },
  },
  errors: [...DOCS_ERRORS, 404],
} satisfies RouteDoc;

/** The edge's own public routes: health, and the docs when enabled (declared by docsRoutes). */
export function edgeApiRegistry(): ApiRegistry {
  const api = new ApiRegistry();
  api.route(liveness);
  api.route(readiness);
  api.route(detailed);
  return api;
}

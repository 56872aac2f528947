import { z } from 'zod';
import { ApiRegistry, type RouteDoc } from '@tp/openapi';

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

export const docsTokenQuery = z.object({
  token: z.string().optional().describe('Admin access token for a browser (instead of the Authorization header); redacted from logs'),
});

const DOCS_ERRORS = [403];

export const docsPageRoute = {
  method: 'get',
  path: '/docs',
  summary: 'Swagger UI for this document',
  tags: ['docs'],
  auth: 'required',
  query: docsTokenQuery,
  responses: { 200: { description: 'The Swagger UI page', mediaType: 'text/html' } },
  errors: DOCS_ERRORS,
} satisfies RouteDoc;

export const docsInitializerRoute = {
  method: 'get',
  path: '/docs/swagger-initializer.js',
  summary: 'Swagger UI start-up script (loads /docs/openapi.json with the same token)',
  tags: ['docs'],
  auth: 'required',
  query: docsTokenQuery,
  responses: { 200: { description: 'JavaScript', mediaType: 'text/javascript' } },
  errors: DOCS_ERRORS,
} satisfies RouteDoc;

export const docsDocumentRoute = {
  method: 'get',
  path: '/docs/openapi.json',
  summary: 'This OpenAPI 3.1 document (every service merged)',
  tags: ['docs'],
  auth: 'required',
  query: docsTokenQuery,
  responses: { 200: { description: 'The document; `x-unavailable` lists services that did not answer', json: z.record(z.string(), z.unknown()) } },
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

import { documentTags, errorResponse, sharedComponents, withRateLimitHeaders, type OpenApiFragment } from '@tp/openapi';
import type { ServiceRoute } from '../routing/service-routes';

export interface ServiceFragment {
  service: string;
  fragment?: OpenApiFragment;
  /** Why the fragment is missing (service down, timeout, bad answer). */
  unavailable?: string;
}

type Operation = { responses?: Record<string, unknown>; tags?: string[] };

/** What the edge answers on any request, before routing: a body or the whole request too slow (408, 504), the connection cap (503). */
const EDGE_STATUSES = [408, 503, 504];

/** The edge routing-table entry a public path goes through (the same first-prefix match as app.use). */
function routeFor(path: string, routes: ServiceRoute[]): ServiceRoute | undefined {
  return routes.find((route) => path === route.path || path.startsWith(`${route.path}/`));
}

/**
 * What the edge itself can answer, whatever the service documents: on every route its time
 * bounds and connection cap; on a proxied one also a refused token (401), the body limit of a
 * non-streaming route (413), the rate limit (429, and the RateLimit headers on every 2xx/4xx)
 * and an upstream that refused (502).
 */
function addEdgeResponses(paths: OpenApiFragment['paths'], routes: ServiceRoute[]): void {
  for (const [path, operations] of Object.entries(paths)) {
    const route = routeFor(path, routes);
    const proxied = route
      ? [...(route.auth === 'none' ? [] : [401]), ...(route.streaming ? [] : [413]), ...(route.rateLimited ? [429] : []), 502]
      : [];
    for (const operation of Object.values(operations) as Operation[]) {
      operation.responses ??= {};
      for (const status of [...EDGE_STATUSES, ...proxied]) operation.responses[String(status)] ??= errorResponse(status);
      operation.responses = Object.fromEntries(Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)));
      if (route?.rateLimited) withRateLimitHeaders(operation);
    }
  }
}

/**
 * One OpenAPI 3.1 document: the edge's own routes, then every reachable service's fragment.
 * Only paths the edge routes publicly are kept; a service that did not answer is listed
 * under `x-unavailable` instead of failing the whole document.
 */
export function mergeOpenApi(edge: OpenApiFragment, services: ServiceFragment[], routes: ServiceRoute[]) {
  const paths: OpenApiFragment['paths'] = structuredClone(edge.paths);
  const components = sharedComponents();
  // The edge's own: how a browser reaches /docs.
  for (const { fragment } of services) {
    if (!fragment) continue;
    for (const [path, operations] of Object.entries(structuredClone(fragment.paths))) {
      if (routeFor(path, routes)) paths[path] = { ...paths[path], ...operations };
    }
    Object.assign(components.schemas, fragment.components?.schemas);
    Object.assign(components.securitySchemes, fragment.components?.securitySchemes);
  }
  addEdgeResponses(paths, routes);
  const tags = Object.values(paths).flatMap((operations) => Object.values(operations).flatMap((operation) => (operation as Operation).tags ?? []));
  const unavailable = services.filter((entry) => entry.unavailable).map(({ service, unavailable }) => ({ service, reason: unavailable }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'ToolsPlatform API',
      version: '1.0.0',
      description:
        'Every public route behind the edge. Errors share one body `{error, message, requestId, upgradeUrl?, details?}`, ' +
        'also for what Node answers itself (oversize headers 431, a bad method, a bad Expect 417); ' +
        'rate-limited routes answer 429 with Retry-After and draft-8 RateLimit headers.',
      contact: { name: 'ToolsPlatform backend team' },
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: 'The edge serving this document (local, staging or production)', 'x-internal': false }],
    tags: documentTags(tags),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components,
    ...(unavailable.length > 0 ? { 'x-unavailable': unavailable } : {}),
  };
}

export type OpenApiDocument = ReturnType<typeof mergeOpenApi>;

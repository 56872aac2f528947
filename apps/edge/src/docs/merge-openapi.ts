import { errorResponse, sharedComponents, type OpenApiFragment } from '@tp/openapi';
import type { ServiceRoute } from '../routing/service-routes';
import { DOCS_SECURITY_SCHEMES } from './edge-api';

export interface ServiceFragment {
  service: string;
  fragment?: OpenApiFragment;
  /** Why the fragment is missing (service down, timeout, bad answer). */
  unavailable?: string;
}

type Operation = { responses?: Record<string, unknown> };

/** The edge routing-table entry a public path goes through (the same first-prefix match as app.use). */
function routeFor(path: string, routes: ServiceRoute[]): ServiceRoute | undefined {
  return routes.find((route) => path === route.path || path.startsWith(`${route.path}/`));
}

/** What the edge itself can answer on a proxied route, whatever the service documents. */
function addEdgeResponses(paths: OpenApiFragment['paths'], routes: ServiceRoute[]): void {
  for (const [path, operations] of Object.entries(paths)) {
    const route = routeFor(path, routes);
    if (!route) continue;
    const edgeStatuses = [...(route.auth === 'required' ? [401] : []), ...(route.rateLimited ? [429] : []), 502, 504];
    for (const operation of Object.values(operations) as Operation[]) {
      operation.responses ??= {};
      for (const status of edgeStatuses) operation.responses[String(status)] ??= errorResponse(status);
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
  Object.assign(components.securitySchemes, DOCS_SECURITY_SCHEMES);
  for (const { fragment } of services) {
    if (!fragment) continue;
    for (const [path, operations] of Object.entries(structuredClone(fragment.paths))) {
      if (routeFor(path, routes)) paths[path] = { ...paths[path], ...operations };
    }
    Object.assign(components.schemas, fragment.components?.schemas);
  }
  addEdgeResponses(paths, routes);
  const unavailable = services.filter((entry) => entry.unavailable).map(({ service, unavailable }) => ({ service, reason: unavailable }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'ToolsPlatform API',
      version: '1.0.0',
      description:
        'Every public route behind the edge. Errors share one body `{error, message, requestId, upgradeUrl?}`; ' +
        'rate-limited routes answer 429 with Retry-After and draft-8 RateLimit headers.',
    },
    servers: [{ url: '/', description: 'This edge' }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components,
    ...(unavailable.length > 0 ? { 'x-unavailable': unavailable } : {}),
  };
}

export type OpenApiDocument = ReturnType<typeof mergeOpenApi>;

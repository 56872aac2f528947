import type { Logger } from '@tp/logging';
import type { OpenApiFragment } from '@tp/openapi';
import type { ServiceRoute } from '../routing/service-routes';
import { mergeOpenApi, type OpenApiDocument, type ServiceFragment } from './merge-openapi';

export interface OpenApiDocumentOptions {
  /** The edge's own routes. */
  edge: () => OpenApiFragment;
  routes: ServiceRoute[];
  logger: Logger;
  fetchTimeoutMs?: number;
  cacheMs?: number;
  now?: () => number;
}

async function fetchFragment(service: string, target: string, timeoutMs: number): Promise<ServiceFragment> {
  try {
    const response = await fetch(`${target}/openapi.json`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { service, unavailable: `answered ${response.status}` };
    const fragment = (await response.json()) as OpenApiFragment;
    if (typeof fragment?.paths !== 'object' || fragment.paths === null) return { service, unavailable: 'answered without paths' };
    return { service, fragment };
  } catch (err) {
    return { service, unavailable: err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'unreachable' };
  }
}

/**
 * Builds the merged document on request from each service's GET /openapi.json (short timeout)
 * and keeps a complete one briefly; a partial one (a service down) is rebuilt on the next request.
 */
export function openApiDocument(options: OpenApiDocumentOptions): () => Promise<OpenApiDocument> {
  const timeoutMs = options.fetchTimeoutMs ?? 2000;
  const cacheMs = options.cacheMs ?? 10_000;
  const now = options.now ?? Date.now;
  const targets = new Map(options.routes.map((route) => [route.service, route.target]));
  let cached: { document: Promise<OpenApiDocument>; at: number } | undefined;

  const build = async (): Promise<OpenApiDocument> => {
    const fragments = await Promise.all([...targets].map(([service, target]) => fetchFragment(service, target, timeoutMs)));
    for (const { service, unavailable } of fragments) {
      if (unavailable) options.logger.warn({ service, reason: unavailable }, 'OpenAPI fragment unavailable');
    }
    const document = mergeOpenApi(options.edge(), fragments, options.routes);
    if (document['x-unavailable']) cached = undefined;
    return document;
  };

  return () => {
    if (!cached || now() - cached.at > cacheMs) cached = { document: build(), at: now() };
    return cached.document;
  };
}

import type { Express, RequestHandler } from 'express';
import type { TokenVerifier } from '@tp/auth';
import { underPath } from '@tp/http';
import type { Logger } from '@tp/logging';
import type { EdgeConfig } from '../config';
import type { ServiceRoute } from '../routing/service-routes';
import { docsRoutes } from './docs-routes';
import { edgeApiRegistry } from './edge-api';
import { openApiDocument } from './openapi-document';

export interface MountDocsDeps {
  config: EdgeConfig;
  verifier: TokenVerifier;
  logger: Logger;
  /** The edge's limiter: a 401 on /docs counts against the client IP like any other 401. */
  rateLimiter: RequestHandler;
}

/** /docs and /docs/openapi.json unless SWAGGER_ENABLED=false (then they are plain 404s). */
export function mountDocs(app: Express, deps: MountDocsDeps, routes: ServiceRoute[]): void {
  if (!deps.config.docs.enabled) return;
  const api = edgeApiRegistry();
  // Read when the document is built, so it includes the docs routes docsRoutes declares.
  const document = openApiDocument({ edge: () => api.fragment(), routes, logger: deps.logger });
  // Only /docs… enters the docs router; API traffic passes with one test.
  app.use(underPath('/docs', docsRoutes({ verifier: deps.verifier, adminOnly: deps.config.docs.adminOnly, rateLimiter: deps.rateLimiter, document, api })));
}

import type { Express, RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { authenticate, type TokenVerifier } from '@tp/auth';
import { createServiceApp } from '@tp/http';
import type { Logger } from '@tp/logging';
import type { ServiceMetrics } from '@tp/metrics';
import type { EdgeConfig } from './config';
import { mountDocs } from './docs/mount-docs';
import { edgeHealthChecks } from './health/edge-health-checks';
import { countRateLimitRejections } from './metrics/rate-limit-metrics';
import { createServiceProxy } from './proxy/create-service-proxy';
import { authenticateCountingFailures } from './rate-limit/count-unauthorized';
import { createRateLimiter } from './rate-limit/create-rate-limiter';
import { serviceRoutes, type ServiceRoute } from './routing/service-routes';
import { corsPolicy } from './security/cors-policy';
import { securityHeaders } from './security/security-headers';

export interface EdgeAppDeps {
  config: EdgeConfig;
  redis: Redis;
  verifier: TokenVerifier;
  logger: Logger;
  /** HTTP and rate-limit metrics (served on EDGE_METRICS_PORT by startServer). */
  metrics?: ServiceMetrics;
}

/** Express strips the mount path from req.url; the services expect the full public path. */
const restoreOriginalUrl: RequestHandler = (req, _res, next) => {
  req.url = req.originalUrl;
  next();
};

const labelRoute =
  (label: string): RequestHandler =>
  (_req, res, next) => {
    res.locals.routeLabel = label;
    next();
  };

function routeChain(route: ServiceRoute, deps: EdgeAppDeps, rateLimiter: RequestHandler): RequestHandler[] {
  // The metric label is the route's prefix, never the raw path (ids would explode cardinality).
  const label = `${route.path}/*`;
  const chain: RequestHandler[] = [labelRoute(label)];
  if (route.auth !== 'none') {
    chain.push(
      route.rateLimited
        ? authenticateCountingFailures(deps.verifier, route.auth, rateLimiter)
        : authenticate(deps.verifier, route.auth),
    );
  }
  if (route.rateLimited) chain.push(rateLimiter);
  chain.push(
    restoreOriginalUrl,
    createServiceProxy({
      service: route.service,
      target: route.target,
      upstreamTimeoutMs: deps.config.upstreamTimeoutMs,
      logger: deps.logger,
    }),
  );
  return chain;
}

/**
 * The public gateway. Order: request id → request log → helmet → CORS → (per route)
 * JWT → rate limit → proxy; a 401 from the JWT step is counted against the client IP's
 * rate-limit bucket first (429 once spent). No body parser: request bodies stream to the services.
 */
export function createApp(deps: EdgeAppDeps): Express {
  const routes = serviceRoutes(deps.config);
  const onReject = deps.metrics ? countRateLimitRejections(deps.metrics.registry) : undefined;
  const rateLimiter = createRateLimiter({ redis: deps.redis, logger: deps.logger, onReject, ...deps.config.rateLimit });
  // Its own, smaller per-IP budget: each uncached round calls every dependency.
  const healthLimiter = createRateLimiter({
    redis: deps.redis,
    logger: deps.logger,
    onReject,
    windowMs: deps.config.rateLimit.windowMs,
    max: deps.config.health.rateLimitMax,
    prefix: `${deps.config.rateLimit.prefix}health:`,
  });
  return createServiceApp({
    logger: deps.logger,
    jsonLimit: false,
    trustProxy: deps.config.trustProxy,
    metrics: deps.metrics,
    before: [securityHeaders(), corsPolicy(deps.config.corsOrigins)],
    healthChecks: edgeHealthChecks({ redis: deps.redis, jwksUri: deps.config.auth.jwksUri, verifier: deps.verifier, routes }),
    health: { cacheMs: deps.config.health.cacheMs, detailedGuards: [healthLimiter] },
    routes: (app) => {
      mountDocs(app, { ...deps, rateLimiter }, routes);
      for (const route of routes) app.use(route.path, ...routeChain(route, deps, rateLimiter));
    },
  });
}

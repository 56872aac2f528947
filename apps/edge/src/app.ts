import type { Express, RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { authenticate, type TokenVerifier } from '@tp/auth';
import { createServiceApp, handlerChain } from '@tp/http';
import type { Logger } from '@tp/logging';
import type { ServiceMetrics } from '@tp/metrics';
import type { EdgeConfig } from './config';
import { mountDocs } from './docs/mount-docs';
import { edgeHealthChecks } from './health/edge-health-checks';
import { countRateLimitRejections } from './metrics/rate-limit-metrics';
import { createServiceProxy } from './proxy/create-service-proxy';
import { authenticateCountingFailures } from './rate-limit/count-unauthorized';
import { createRateLimiter } from './rate-limit/create-rate-limiter';
import { bufferBody } from './limits/buffer-body';
import { requestDeadlines } from './limits/request-deadlines';
import { upstreamGate } from './limits/upstream-gate';
import { isStreamingPath, serviceRoutes, type ServiceRoute } from './routing/service-routes';
import { corsPolicy } from './security/cors-policy';
import { securityHeaders } from './security/security-headers';
import { forwardHeaders } from './security/upstream-headers';

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

/** One gate (in-flight cap) and one proxy (keep-alive agent) per service, shared by its routes. */
interface Upstream {
  gate: RequestHandler;
  proxy: RequestHandler;
}

function upstreams(routes: ServiceRoute[], deps: EdgeAppDeps): Map<string, Upstream> {
  const byService = new Map<string, Upstream>();
  for (const route of routes) {
    if (byService.has(route.service)) continue;
    byService.set(route.service, {
      gate: upstreamGate(route.service, deps.config.limits.upstream.maxInFlight),
      proxy: createServiceProxy({
        service: route.service,
        target: route.target,
        upstreamTimeoutMs: deps.config.upstreamTimeoutMs,
        maxSockets: deps.config.limits.upstream.maxSockets,
        queueTimeoutMs: deps.config.limits.upstream.queueTimeoutMs,
        logger: deps.logger,
      }),
    });
  }
  return byService;
}

function routeChain(route: ServiceRoute, deps: EdgeAppDeps, rateLimiter: RequestHandler, upstream: Upstream): RequestHandler[] {
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
  // Only a complete request takes an upstream slot (uploads stream, bounded by their idle limit).
  if (!route.streaming) chain.push(bufferBody(deps.config.limits.maxBodyBytes));
  chain.push(upstream.gate, forwardHeaders(), restoreOriginalUrl, upstream.proxy);
  return chain;
}

/**
 * The public gateway. Order: request id → request log → time bounds → helmet → CORS → (per
 * route) JWT → rate limit → body read (short routes) → in-flight cap → allow-listed headers →
 * proxy; a 401 from the JWT step is counted against the client IP's rate-limit bucket first
 * (429 once spent). Upload bodies stream to the services; other bodies are read first, so a
 * slow client never holds a service.
 */
export function createApp(deps: EdgeAppDeps): Express {
  const routes = serviceRoutes(deps.config);
  const byService = upstreams(routes, deps);
  const onReject = deps.metrics ? countRateLimitRejections(deps.metrics.registry) : undefined;
  const rateLimiter = createRateLimiter({ redis: deps.redis, logger: deps.logger, onReject, ipv6Prefix: deps.config.clients.ipv6Prefix, ...deps.config.rateLimit });
  // Its own, smaller per-IP budget: each uncached round calls every dependency.
  const healthLimiter = createRateLimiter({
    redis: deps.redis,
    logger: deps.logger,
    onReject,
    windowMs: deps.config.rateLimit.windowMs,
    max: deps.config.health.rateLimitMax,
    ipv6Prefix: deps.config.clients.ipv6Prefix,
    prefix: `${deps.config.rateLimit.prefix}health:`,
  });
  return createServiceApp({
    logger: deps.logger,
    jsonLimit: false,
    // TRUSTED_PROXIES: only these peers (nginx, the ingress controller) may name the client.
    trustProxy: deps.config.clients.trustedProxies,
    metrics: deps.metrics,
    before: [
      requestDeadlines(deps.config.limits, (req) => isStreamingPath(routes, req.path)),
      securityHeaders(),
      corsPolicy(deps.config.corsOrigins),
    ],
    healthChecks: edgeHealthChecks({ redis: deps.redis, jwksUri: deps.config.auth.jwksUri, verifier: deps.verifier, routes }),
    health: { cacheMs: deps.config.health.cacheMs, detailedGuards: [healthLimiter] },
    routes: (app) => {
      mountDocs(app, { ...deps, rateLimiter }, routes);
      // Each route's chain is one router layer (handlerChain): routes further down the table are skipped by one match.
      for (const route of routes) app.use(route.path, handlerChain(routeChain(route, deps, rateLimiter, byService.get(route.service)!)));
    },
  });
}

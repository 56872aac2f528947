import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { authenticate, type TokenVerifier } from '@tp/auth';
import { createServiceApp, handlerChain } from '@tp/http';
import type { Logger } from '@tp/logging';
import type { ServiceMetrics } from '@tp/metrics';
import { largestUploadRequestBytes } from '@tp/tiers';
import type { EdgeConfig } from './config';
import { mountDocs } from './docs/mount-docs';
import { edgeHealthChecks } from './health/edge-health-checks';
import { countRateLimitRejections } from './metrics/rate-limit-metrics';
import { createServiceProxy } from './proxy/create-service-proxy';
import { authenticateCountingFailures } from './rate-limit/count-unauthorized';
import { countedUnless } from './rate-limit/counted-unless';
import { createRateLimiter, createRateLimiters } from './rate-limit/create-rate-limiter';
import { bufferBody } from './limits/buffer-body';
import { hasBody, requestDeadlines } from './limits/request-deadlines';
import { countUploadBody, refuseOversizedUpload } from './limits/upload-body-cap';
import { socketQueue } from './limits/socket-queue';
import { upstreamGate } from './limits/upstream-gate';
import { isStreamingPath, serviceRoutes, type ServiceRoute } from './routing/service-routes';
import { corsPolicy } from './security/cors-policy';
import { securityHeaders } from './security/security-headers';

export interface EdgeAppDeps {
  config: EdgeConfig;
  redis: Redis;
  verifier: TokenVerifier;
  logger: Logger;
  /** HTTP and rate-limit metrics (served on EDGE_METRICS_PORT by startServer). */
  metrics?: ServiceMetrics;
  /** Runs on shutdown (the batched rate-limit stores send their last round). */
  onClose?: (closer: () => Promise<void>) => void;
}

const labelRoute =
  (label: string): RequestHandler =>
  (_req, res, next) => {
    res.locals.routeLabel = label;
    next();
  };

/** One gate (in-flight cap), one bounded wait for a socket and one hop (keep-alive agent): one lane to a service. */
interface Lane {
  gate: RequestHandler;
  sockets: RequestHandler;
  proxy: RequestHandler;
}

/**
 * Each service's lane, and for a service with upload routes a second, separate lane (its own
 * in-flight cap and socket pool) for upload bodies: uploads that hold their sockets for minutes
 * never make a status read of the same service wait for a socket (or get its 503).
 */
interface Upstream {
  calls: Lane;
  uploads?: Lane;
}

function lane(route: ServiceRoute, deps: EdgeAppDeps, onStream?: (req: IncomingMessage, res: ServerResponse) => void): Lane {
  const { maxInFlight, maxSockets, queueTimeoutMs } = deps.config.limits.upstream;
  return {
    gate: upstreamGate(route.service, maxInFlight),
    sockets: socketQueue(route.service, maxSockets, queueTimeoutMs),
    proxy: createServiceProxy({
      service: route.service,
      target: route.target,
      upstreamTimeoutMs: deps.config.upstreamTimeoutMs,
      maxSockets,
      logger: deps.logger,
      onStream,
    }),
  };
}

function upstreams(routes: ServiceRoute[], deps: EdgeAppDeps): Map<string, Upstream> {
  const byService = new Map<string, Upstream>();
  for (const route of routes) {
    const upstream = byService.get(route.service) ?? { calls: lane(route, deps) };
    if (route.streaming && !upstream.uploads) upstream.uploads = lane(route, deps, countUploadBody(largestUploadRequestBytes()));
    byService.set(route.service, upstream);
  }
  return byService;
}

const laneChain = (via: Lane): RequestHandler => handlerChain([via.gate, via.sockets, via.proxy]);

/** Streaming routes: a request with a body (an upload) takes the upload lane, any other call the service's usual one. */
function dispatch(upstream: Upstream): RequestHandler {
  const calls = laneChain(upstream.calls);
  if (!upstream.uploads) return calls;
  const uploads = handlerChain([refuseOversizedUpload(largestUploadRequestBytes()), laneChain(upstream.uploads)]);
  return (req, res, next) => (hasBody(req) ? uploads : calls)(req, res, next);
}

type Limiters = ReturnType<typeof createRateLimiters>;

function routeChain(route: ServiceRoute, deps: EdgeAppDeps, limiters: Limiters, upstream: Upstream): RequestHandler[] {
  const rateLimiter = limiters.counted;
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
  if (route.rateLimited) chain.push(route.chargedOnlyOnFailure ? countedUnless(route.chargedOnlyOnFailure, limiters) : rateLimiter);
  // Only a complete request takes an upstream slot (uploads stream, bounded by their idle limit).
  if (!route.streaming) chain.push(bufferBody(deps.config.limits.maxBodyBytes));
  chain.push(dispatch(upstream));
  return chain;
}

/**
 * The public gateway. Order: request id → request log → time bounds → helmet → CORS → (per
 * route) JWT → rate limit → body read (short routes) → in-flight cap → socket wait → the hop
 * (allow-listed headers, proxy/create-service-proxy.ts); a 401 from the JWT step is counted against the client IP's rate-limit bucket first
 * (429 once spent). Upload bodies stream to the services; other bodies are read first, so a
 * slow client never holds a service.
 */
export function createApp(deps: EdgeAppDeps): Express {
  const routes = serviceRoutes(deps.config);
  const byService = upstreams(routes, deps);
  const onReject = deps.metrics ? countRateLimitRejections(deps.metrics.registry) : undefined;
  const limiters = createRateLimiters({ redis: deps.redis, logger: deps.logger, onReject, onClose: deps.onClose, ipv6Prefix: deps.config.clients.ipv6Prefix, ...deps.config.rateLimit });
  const rateLimiter = limiters.counted;
  // Its own, smaller per-IP budget: each uncached round calls every dependency.
  const healthLimiter = createRateLimiter({
    redis: deps.redis,
    logger: deps.logger,
    onReject,
    onClose: deps.onClose,
    windowMs: deps.config.rateLimit.windowMs,
    syncMs: deps.config.rateLimit.syncMs,
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
      for (const route of routes) app.use(route.path, handlerChain(routeChain(route, deps, limiters, byService.get(route.service)!)));
    },
  });
}

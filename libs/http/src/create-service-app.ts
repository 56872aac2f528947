import express, { type Express, type RequestHandler } from 'express';
import { errorMiddleware, notFoundHandler } from '@tp/errors';
import { createRequestLogger, type Logger } from '@tp/logging';
import { httpMetricsRecorder, type ServiceMetrics } from '@tp/metrics';
import { closeUnreadRequests } from './close-after-response';
import type { HealthCheck } from './health';
import { handlerChain, underPath } from './handler-chain';
import { createHealthMonitor } from './health-monitor';
import { observeHealthChecks } from './health-metrics';
import { healthRouter } from './health-router';
import { methodNotAllowed } from './method-not-allowed';
import { requestIdMiddleware } from './request-id';

export interface ServiceAppOptions {
  logger: Logger;
  healthChecks?: HealthCheck[];
  /** Max JSON body, e.g. '100kb'. `false` mounts no body parser (the edge streams bodies). */
  jsonLimit?: string | false;
  /** Express `trust proxy`: the addresses (CIDR list, TRUSTED_PROXIES) whose X-Forwarded-For is believed; none by default. */
  trustProxy?: readonly string[];
  /** Middleware that must run before health and routes (e.g. the edge's helmet and CORS). */
  before?: RequestHandler[];
  /** Request count, latency and error metrics by route template (served by startServer's metrics port). */
  metrics?: ServiceMetrics;
  /** /health/detailed: how long a round is reused, and guards run before it (the edge's rate limit). */
  health?: { cacheMs?: number; detailedGuards?: RequestHandler[] };
  /** Mounts the service's own routes. */
  routes: (app: Express) => void;
}

/**
 * The app factory every service uses: request id → request log → [before] → health →
 * JSON body → routes → 405 (a served path, another method) → 404 → careful close of unread requests → error middleware. Services only add their routes.
 */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // No automatic ETag (and so no automatic 304): a conditional answer is a route's documented choice (flags' sendWithEtag).
  app.set('etag', false);
  // An address list only (proxy-addr), never `true` or a hop count: a client can never name its own IP.
  app.set('trust proxy', options.trustProxy ? [...options.trustProxy] : false);
  // Metrics and the request line come from one completion listener (pino-http's).
  const onResponse = options.metrics ? httpMetricsRecorder(options.metrics) : undefined;
  const requestLogger = createRequestLogger(options.logger, { ignorePaths: ['/health', '/health/ready'], onResponse });
  // Every request crosses these, in this order: one router layer for all of them.
  app.use(handlerChain([requestIdMiddleware(), requestLogger, ...(options.before ?? [])]));
  // startServer flips `locals.shuttingDown` so readiness fails while in-flight requests drain.
  app.locals.shuttingDown = false;
  const healthChecks = options.healthChecks ?? [];
  // One round for /health/detailed and the health_check_up gauge: a scrape reads what a caller would.
  const detailed = createHealthMonitor(healthChecks, { cacheMs: options.health?.cacheMs ?? 1000, logger: options.logger });
  if (options.metrics && healthChecks.length > 0) observeHealthChecks(options.metrics.registry, detailed);
  const health = healthRouter(healthChecks, () => app.locals.shuttingDown === true, { logger: options.logger, ...options.health, detailed });
  app.use(underPath('/health', health));
  if (options.jsonLimit !== false) app.use(express.json({ limit: options.jsonLimit ?? '100kb' }));
  options.routes(app);
  app.use(methodNotAllowed(app));
  app.use(notFoundHandler());
  // An error answered before the request body was read: close that connection carefully.
  app.use(closeUnreadRequests());
  app.use(errorMiddleware(options.logger));
  return app;
}

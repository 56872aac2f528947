import { Router, type RequestHandler } from 'express';
import type { Logger } from '@tp/logging';
import { runHealthChecks, type HealthCheck, type HealthReport } from './health';
import { createHealthMonitor, logUnhealthyChecks, publicReport } from './health-monitor';

export interface HealthRouterOptions {
  logger?: Logger;
  /** How long a /health/detailed round is reused (default 1000 ms). */
  cacheMs?: number;
  /** Run before /health/detailed (the edge's per-IP rate limit). */
  detailedGuards?: RequestHandler[];
  /** The round /health/detailed answers from, when shared with another reader (the health_check_up gauge). */
  detailed?: () => Promise<HealthReport>;
}

/**
 * /health: liveness, no dependency calls. /health/ready: readiness checks only, so an
 * orchestrator stops routing to a replica that lost its database without restarting it.
 * /health/detailed: every check with its status and latency, one shared round per `cacheMs`.
 * Bodies carry no error text; it goes to the log line of the check.
 */
export function healthRouter(checks: HealthCheck[], isShuttingDown: () => boolean, options: HealthRouterOptions = {}): Router {
  const router = Router();
  const detailed = options.detailed ?? createHealthMonitor(checks, { cacheMs: options.cacheMs ?? 1000, logger: options.logger });
  const readinessChecks = checks.filter((check) => check.readiness).map((check) => ({ ...check, required: true }));
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    if (isShuttingDown()) {
      res.status(503).json({ status: 'down', checks: {}, reason: 'shutting down' });
      return;
    }
    // Any readiness check that fails takes this replica out of rotation.
    const report = await runHealthChecks(readinessChecks);
    logUnhealthyChecks(report, options.logger);
    res.status(report.status === 'down' ? 503 : 200).json(publicReport(report));
  });
  router.get('/health/detailed', ...(options.detailedGuards ?? []), async (_req, res) => {
    const report = await detailed();
    res.status(report.status === 'down' ? 503 : 200).json(publicReport(report));
  });
  return router;
}

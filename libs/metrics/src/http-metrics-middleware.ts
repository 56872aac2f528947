import type { RequestHandler } from 'express';
import { routeLabel } from './route-label';
import type { ServiceMetrics } from './service-metrics';

/** Counts and times every request once it has finished (or the client went away). */
export function httpMetricsMiddleware(metrics: ServiceMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      const labels = { method: req.method, route: routeLabel(req, res), status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      if (res.statusCode >= 400) metrics.httpErrors.inc(labels);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  };
}

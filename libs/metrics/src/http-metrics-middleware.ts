import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { responseOutcome } from '@tp/logging';
import { routeLabel } from './route-label';
import type { ServiceMetrics } from './service-metrics';

type Labels = { method: string; route: string; status: string };

/**
 * Records one finished request: count, latency and (status >= 400) errors, under the status
 * its request line states (responseOutcome: 499 for a client that left before any header, so a
 * cut request never passes for a 200 nor burns the 5xx budget). The label objects are made
 * once per method/route/status and reused, not built per request.
 */
export function httpMetricsRecorder(
  metrics: ServiceMetrics,
): (req: IncomingMessage, res: ServerResponse, startedAt: number | undefined) => void {
  const labelSets = new Map<string, Labels>();
  return (req, res, startedAt) => {
    const method = req.method ?? 'GET';
    const route = routeLabel(req as Request, res as Response);
    const status = responseOutcome(res).statusCode;
    const key = `${method} ${status} ${route}`;
    let labels = labelSets.get(key);
    if (!labels) {
      labels = Object.freeze({ method, route, status: String(status) });
      labelSets.set(key, labels);
    }
    metrics.httpRequests.inc(labels);
    if (startedAt !== undefined) metrics.httpDuration.observe(labels, (performance.now() - startedAt) / 1000);
    if (status >= 400) metrics.httpErrors.inc(labels);
  };
}

/**
 * The same metrics as a middleware with its own listeners, for an app without the shared
 * request logger (createServiceApp records them from the request log's listener instead).
 */
export function httpMetricsMiddleware(metrics: ServiceMetrics): RequestHandler {
  const record = httpMetricsRecorder(metrics);
  return (req, res, next) => {
    const started = performance.now();
    let recorded = false;
    const done = () => {
      if (recorded) return;
      recorded = true;
      record(req, res, started);
    };
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}

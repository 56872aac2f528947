import type { Logger } from '@tp/logging';
import { runHealthChecks, type CheckResult, type CheckStatus, type HealthCheck, type HealthReport } from './health';

/** What a caller of /health/detailed sees of a check: no error text (hosts, bucket names, driver messages). */
export interface PublicCheck {
  status: CheckStatus;
  latencyMs: number;
  checks?: Record<string, PublicCheck>;
}

export interface PublicHealthReport {
  status: CheckStatus;
  checks: Record<string, PublicCheck>;
}

export function publicChecks(checks: Record<string, CheckResult>): Record<string, PublicCheck> {
  const result: Record<string, PublicCheck> = {};
  for (const [name, check] of Object.entries(checks)) {
    result[name] = { status: check.status, latencyMs: check.latencyMs, ...(check.checks ? { checks: publicChecks(check.checks) } : {}) };
  }
  return result;
}

export function publicReport(report: HealthReport): PublicHealthReport {
  return { status: report.status, checks: publicChecks(report.checks) };
}

/** The error detail a public body leaves out goes to one log line per check that is not ok. */
export function logUnhealthyChecks(report: HealthReport, logger: Logger | undefined): void {
  if (!logger) return;
  for (const [name, check] of Object.entries(report.checks)) {
    if (check.status === 'ok') continue;
    logger.warn({ check: name, status: check.status, required: check.required, latencyMs: check.latencyMs, error: check.error }, 'Health check not ok');
  }
}

export interface HealthMonitorOptions {
  /** A finished round is reused for this long (0: only concurrent callers share a round). */
  cacheMs: number;
  logger?: Logger;
}

/**
 * Runs the checks at most once per `cacheMs`, and once for any number of concurrent callers
 * (single flight): /health/detailed is public, and each round costs a call to every
 * dependency, so callers must not be able to multiply that work.
 */
export function createHealthMonitor(checks: HealthCheck[], options: HealthMonitorOptions): () => Promise<HealthReport> {
  let last: { finishedAt: number; report: HealthReport } | undefined;
  let inFlight: Promise<HealthReport> | undefined;
  return () => {
    if (last && performance.now() - last.finishedAt < options.cacheMs) return Promise.resolve(last.report);
    inFlight ??= runHealthChecks(checks)
      .then((report) => {
        last = { finishedAt: performance.now(), report };
        logUnhealthyChecks(report, options.logger);
        return report;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}

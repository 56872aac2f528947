export type CheckStatus = 'ok' | 'degraded' | 'down';

export interface HealthCheck {
  name: string;
  /** A required dependency that is down makes the service `down` (503); an optional one only `degraded`. */
  required: boolean;
  /** Also gates readiness: a replica that lost it should stop receiving traffic. */
  readiness?: boolean;
  timeoutMs?: number;
  /**
   * Resolve for ok, resolve 'degraded' for a partial answer, reject for down. A check of
   * another service may resolve `{status, checks}` (or reject with a NestedCheckError) to
   * carry that service's own checks into this report.
   */
  run: () => Promise<void | 'degraded' | NestedChecks>;
}

export interface CheckResult {
  status: CheckStatus;
  required: boolean;
  latencyMs: number;
  error?: string;
  /** A downstream service's own checks, so one call shows every dependency. */
  checks?: Record<string, CheckResult>;
}

export interface NestedChecks {
  status: 'ok' | 'degraded';
  checks?: Record<string, CheckResult>;
}

/** A failed check that still knows the downstream service's own checks (why it is down). */
export class NestedCheckError extends Error {
  constructor(
    message: string,
    readonly checks?: Record<string, CheckResult>,
  ) {
    super(message);
    this.name = 'NestedCheckError';
  }
}

export interface HealthReport {
  status: CheckStatus;
  checks: Record<string, CheckResult>;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runCheck(check: HealthCheck): Promise<CheckResult> {
  const started = performance.now();
  try {
    const outcome = await withTimeout(check.run(), check.timeoutMs ?? 2000);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    if (typeof outcome === 'object') {
      return { status: outcome.status, required: check.required, latencyMs, ...(outcome.checks ? { checks: outcome.checks } : {}) };
    }
    return { status: outcome === 'degraded' ? 'degraded' : 'ok', required: check.required, latencyMs };
  } catch (err) {
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const error = err instanceof Error ? err.message : String(err);
    const nested = err instanceof NestedCheckError && err.checks ? { checks: err.checks } : {};
    return { status: 'down', required: check.required, latencyMs, error, ...nested };
  }
}

/** down if a required check is down; degraded if anything else is not ok; ok otherwise. */
export async function runHealthChecks(checks: HealthCheck[]): Promise<HealthReport> {
  const results = await Promise.all(checks.map(runCheck));
  const report: HealthReport = { status: 'ok', checks: {} };
  checks.forEach((check, index) => {
    const result = results[index]!;
    report.checks[check.name] = result;
    if (result.status === 'down' && check.required) report.status = 'down';
    else if (result.status !== 'ok' && report.status === 'ok') report.status = 'degraded';
  });
  return report;
}

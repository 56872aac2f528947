import type { Redis } from 'ioredis';
import type { TokenVerifier } from '@tp/auth';
import { NestedCheckError, type CheckResult, type HealthCheck, type NestedChecks } from '@tp/http';
import type { ServiceRoute } from '../routing/service-routes';

async function fetchOk(url: string, timeoutMs: number): Promise<Response> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok && response.status !== 503) throw new Error(`HTTP ${response.status}`);
  return response;
}

/**
 * Redis is optional (the rate limiter fails open, so its loss is `degraded`); the JWKS
 * endpoint and every downstream service are required, except that an unreachable JWKS is only
 * `degraded` while the verifier's cached keys still verify (JWKS_STALE_IF_ERROR_MS). A downstream that reports
 * `degraded` itself makes the edge `degraded`.
 */
export function edgeHealthChecks(deps: {
  redis: Redis;
  jwksUri: string;
  /** While it still holds usable keys, an unreachable JWKS is `degraded`, not `down`: tokens still verify. */
  verifier: Pick<TokenVerifier, 'hasUsableKeys'>;
  routes: ServiceRoute[];
}): HealthCheck[] {
  const timeoutMs = 2000;
  const services = new Map(deps.routes.map((route) => [route.service, route.target]));
  return [
    {
      name: 'redis',
      required: false,
      timeoutMs,
      run: async () => {
        await deps.redis.ping();
      },
    },
    {
      name: 'jwks',
      required: true,
      timeoutMs,
      run: async () => {
        try {
          // Shorter than the check's own timeout, so a hanging endpoint still reaches the catch below.
          const body = (await (await fetchOk(deps.jwksUri, timeoutMs - 500)).json()) as { keys?: unknown[] };
          if (!Array.isArray(body.keys) || body.keys.length === 0) throw new Error('JWKS has no keys');
        } catch (err) {
          if (deps.verifier.hasUsableKeys()) return 'degraded';
          throw err;
        }
      },
    },
    ...[...services].map(
      ([name, target]): HealthCheck => ({
        name: `service:${name}`,
        required: true,
        timeoutMs,
        // The service's own checks (postgres, s3, queue, …) are nested under this one.
        run: async (): Promise<NestedChecks> => {
          const response = await fetchOk(`${target}/health/detailed`, timeoutMs);
          const report = (await response.json()) as { status?: string; checks?: Record<string, CheckResult> };
          if (report.status === 'down') throw new NestedCheckError('reports down', report.checks);
          return { status: report.status === 'degraded' ? 'degraded' : 'ok', checks: report.checks };
        },
      }),
    ),
  ];
}

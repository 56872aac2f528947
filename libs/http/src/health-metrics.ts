import { Gauge, type Registry } from '@tp/metrics';
import type { HealthReport } from './health';

/**
 * `health_check_up{check, required}`: 1 while a /health/detailed check is ok or degraded, 0 when
 * it is down. Read at scrape time from the same cached, single-flight round /health/detailed
 * answers from, so Prometheus sees what that endpoint says without probing it, and scrapes
 * cannot multiply the calls to dependencies.
 */
export function observeHealthChecks(registry: Registry, detailed: () => Promise<HealthReport>): void {
  new Gauge({
    name: 'health_check_up',
    help: 'Each /health/detailed check: 1 ok or degraded, 0 down (required: whether it makes the process down)',
    labelNames: ['check', 'required'] as const,
    registers: [registry],
    async collect() {
      const report = await detailed();
      this.reset();
      for (const [check, result] of Object.entries(report.checks)) {
        this.set({ check, required: String(result.required) }, result.status === 'down' ? 0 : 1);
      }
    },
  });
}

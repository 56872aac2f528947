import { Counter, type Registry } from 'prom-client';

/**
 * `jwks_fetches_total{outcome}`: JWKS downloads by outcome ('success' | 'failure'), as a
 * callback for TokenVerifier's `onJwksFetch` (libs/auth itself stays free of prom-client).
 */
export function countJwksFetches(registry: Registry): (outcome: string) => void {
  const counter = new Counter({
    name: 'jwks_fetches_total',
    help: 'JWKS downloads from the identity provider by outcome (success, failure)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return (outcome) => counter.inc({ outcome });
}

import { Counter, type Registry } from 'prom-client';

/** The TokenVerifier callbacks that feed the JWKS metrics (libs/auth itself stays free of prom-client). */
export interface JwksMetricCallbacks {
  onJwksFetch: (outcome: string) => void;
  onUnknownKid: (answer: string) => void;
}

/**
 * `jwks_fetches_total{outcome}`: JWKS downloads (refreshes) by outcome ('success' | 'failure').
 * `jwks_unknown_kid_lookups_total{answer}`: tokens naming a kid the cache does not hold, answered
 * after a download ('refresh') or from memory without one ('memory': the refresh interval had not passed).
 */
export function jwksMetrics(registry: Registry): JwksMetricCallbacks {
  const fetches = new Counter({
    name: 'jwks_fetches_total',
    help: 'JWKS downloads from the identity provider by outcome (success, failure)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const unknownKids = new Counter({
    name: 'jwks_unknown_kid_lookups_total',
    help: 'Lookups of a kid not in the JWKS cache, by answer (refresh: after a download, memory: without one)',
    labelNames: ['answer'] as const,
    registers: [registry],
  });
  // Zero series up front, so a dashboard shows 0 rather than no data.
  for (const outcome of ['success', 'failure']) fetches.inc({ outcome }, 0);
  for (const answer of ['refresh', 'memory']) unknownKids.inc({ answer }, 0);
  return {
    onJwksFetch: (outcome) => fetches.inc({ outcome }),
    onUnknownKid: (answer) => unknownKids.inc({ answer }),
  };
}

import { Counter, type Registry } from '@tp/metrics';

export type RateLimitKeyType = 'user' | 'ip';

/** `rate_limit_rejections_total{key_type}`: 429s from the edge's limiter, per user or per IP. */
export function countRateLimitRejections(registry: Registry): (keyType: RateLimitKeyType) => void {
  const counter = new Counter({
    name: 'rate_limit_rejections_total',
    help: 'Requests rejected by the edge rate limiter (429), by key type (user, ip)',
    labelNames: ['key_type'] as const,
    registers: [registry],
  });
  return (keyType) => counter.inc({ key_type: keyType });
}

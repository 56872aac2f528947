import { randomUUID } from 'node:crypto';
import { context } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';

type SamplerEnv = Record<string, string | undefined>;

/**
 * The share of requests the edge traces, from the SDK's own variables OTEL_TRACES_SAMPLER and
 * OTEL_TRACES_SAMPLER_ARG (default 1, clamped to 0–1). The edge never has a parent (its
 * propagator reads none), so `parentbased_x` samples as `x`.
 */
export function edgeSampleRatio(env: SamplerEnv = process.env): number {
  const sampler = (env['OTEL_TRACES_SAMPLER'] ?? 'parentbased_always_on').trim().toLowerCase().replace(/^parentbased_/, '');
  if (sampler === 'always_off') return 0;
  if (sampler !== 'traceidratio') return 1;
  const ratio = Number(env['OTEL_TRACES_SAMPLER_ARG'] ?? 1);
  return Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 1;
}

/**
 * The edge's sampling decision, taken when a request arrives and before the HTTP
 * instrumentation does any work for it: a request left out runs with tracing suppressed (no
 * span, no attributes, no span of its hops), so an unsampled request costs almost nothing.
 */
export function edgeSampler(ratio: number): () => boolean {
  if (ratio >= 1) return () => true;
  if (ratio <= 0) return () => false;
  return () => Math.random() < ratio;
}

/** Whether the code runs for a request the edge left out of tracing (suppressed context). */
export function isUntracedRequest(): boolean {
  return isTracingSuppressed(context.active());
}

/**
 * The traceparent the edge sends a service for a request it does not trace: fresh ids, sampled
 * flag 0, so the service follows "not sampled" and a client's own traceparent never reaches it.
 * Undefined otherwise (tracing off, or traced: the instrumentation injects the real one).
 */
export function untracedTraceparent(): string | undefined {
  if (!isUntracedRequest()) return undefined;
  const traceId = randomUUID().replaceAll('-', '');
  const spanId = randomUUID().slice(0, 8) + randomUUID().slice(0, 8);
  return `00-${traceId}-${spanId}-00`;
}

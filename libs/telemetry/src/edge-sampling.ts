import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { telemetryConfig } from '@tp/config';

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

/**
 * Whether the code runs outside any traced request: a request the edge left out (suppressed
 * context, or a listener of it running in the emitter's context), a timer, or tracing off.
 */
export function isUntraced(): boolean {
  return trace.getSpan(context.active())?.isRecording() !== true;
}

let tracingOn: boolean | undefined;

/**
 * The traceparent the edge sends a service for a request it does not trace: fresh ids, sampled
 * flag 0, so the service follows "not sampled" and a client's own traceparent never reaches it.
 * Undefined when tracing is off or the request is traced (the instrumentation injects its own).
 */
export function untracedTraceparent(): string | undefined {
  tracingOn ??= telemetryConfig().enabled;
  if (!tracingOn || !isUntraced()) return undefined;
  const traceId = randomUUID().replaceAll('-', '');
  const more = randomUUID();
  const spanId = more.slice(0, 8) + more.slice(9, 13) + more.slice(14, 18);
  return `00-${traceId}-${spanId}-00`;
}

import { BullMQOtel } from 'bullmq-otel';
import { telemetryConfig } from '@tp/config';

/**
 * BullMQ's documented telemetry option when tracing is on: the producer's `add` span writes the
 * trace context into the job's options and the worker's `process` span continues that trace.
 * Undefined when off, so BullMQ skips its tracing path entirely.
 */
export function queueTelemetry(): BullMQOtel | undefined {
  return telemetryConfig().enabled ? new BullMQOtel({ tracerName: 'bullmq' }) : undefined;
}

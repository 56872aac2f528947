import { AsyncLocalStorage } from 'node:async_hooks';
import { context as otelContext, trace, TraceFlags } from '@opentelemetry/api';
import type { Logger } from 'pino';

/** Per-request state reachable from any code running on behalf of the request. */
export interface RequestContext {
  requestId: string;
  userId?: string;
  /** performance.now() when the request arrived: the one clock the request log and metrics share. */
  startedAt?: number;
}

declare module 'http' {
  interface IncomingMessage {
    /** The same object the AsyncLocalStorage holds, kept on the request so the finish hook needs no lookup. */
    requestContext?: RequestContext;
  }
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function getRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Records the authenticated user so the request log line and every line logged for the request carry it. */
export function setRequestUser(userId: string): void {
  const context = storage.getStore();
  if (context) context.userId = userId;
}

interface LineFields {
  requestId?: string;
  userId?: string;
  trace_id?: string;
  span_id?: string;
}

/**
 * pino `mixin` (configured once in createLogger): any line logged while a request runs
 * carries its requestId (and userId once known), without a child logger per request, and any
 * line logged inside a sampled span its trace_id and span_id (one context lookup when tracing is off).
 */
export function requestContextFields(): LineFields {
  const context = storage.getStore();
  const fields: LineFields = context ? (context.userId ? { requestId: context.requestId, userId: context.userId } : { requestId: context.requestId }) : {};
  // Only a sampled span's ids: an unsampled request has no trace to open.
  const span = trace.getSpan(otelContext.active())?.spanContext();
  if (span && span.traceFlags & TraceFlags.SAMPLED) {
    fields.trace_id = span.traceId;
    fields.span_id = span.spanId;
  }
  return fields;
}

/** Kept for callers written before the mixin: the base logger already tags lines with the request. */
export function contextLogger(base: Logger): Logger {
  return base;
}

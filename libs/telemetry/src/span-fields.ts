import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';

/** The attribute an error answer's code goes in (`unauthorized`, `rate_limited`, …). */
export const ERROR_CODE_ATTRIBUTE = 'error.code';

/**
 * Tags the request's server span (the HTTP instrumentation's, kept in the context's RPC
 * metadata; the active span otherwise). A no-op costing one context lookup when tracing is off.
 */
export function tagServerSpan(key: string, value: string): void {
  const active = context.active();
  const span = getRPCMetadata(active)?.span ?? trace.getSpan(active);
  span?.setAttribute(key, value);
}

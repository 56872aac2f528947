import type { IncomingMessage } from 'node:http';
import { context, trace, type Span } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';

/** The attribute an error answer's code goes in (`unauthorized`, `rate_limited`, …). */
export const ERROR_CODE_ATTRIBUTE = 'error.code';

/** How much of a relayed error body is read for its code (our error bodies are far smaller). */
const RELAYED_BODY_LIMIT = 16 * 1024;

/** The request's server span (the HTTP instrumentation's, kept in the context's RPC metadata; the active span otherwise). */
function serverSpan(): Span | undefined {
  const active = context.active();
  return getRPCMetadata(active)?.span ?? trace.getSpan(active);
}

/** Tags the request's server span. A no-op costing one context lookup when tracing is off. */
export function tagServerSpan(key: string, value: string): void {
  serverSpan()?.setAttribute(key, value);
}

function codeOf(body: Buffer): string | undefined {
  try {
    const code = (JSON.parse(body.toString('utf8')) as { error?: unknown }).error;
    return typeof code === 'string' && code !== '' ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An error answer (4xx/5xx) the edge relays from a service, on the edge's traced server span:
 * `error.code` is `http_<status>` at once, then the JSON body's `error` (the service's own code)
 * once the body has passed, read beside the relay (the first 16 KiB), never holding it up.
 * Nothing happens for a success or an untraced request. Call it before piping the answer on.
 */
export function tagRelayedError(answer: IncomingMessage): void {
  const status = answer.statusCode ?? 0;
  if (status < 400) return;
  const span = serverSpan();
  if (!span?.isRecording()) return;
  span.setAttribute(ERROR_CODE_ATTRIBUTE, `http_${status}`);
  if (!/\bjson\b/i.test(answer.headers['content-type'] ?? '') || answer.headers['content-encoding']) return;
  const chunks: Buffer[] = [];
  let size = 0;
  const collect = (chunk: Buffer) => {
    if (size >= RELAYED_BODY_LIMIT) return;
    chunks.push(chunk);
    size += chunk.length;
  };
  answer.on('data', collect);
  answer.once('end', () => {
    answer.off('data', collect);
    const code = codeOf(Buffer.concat(chunks));
    if (code) span.setAttribute(ERROR_CODE_ATTRIBUTE, code);
  });
}

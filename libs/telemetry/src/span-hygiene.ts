import type { IncomingMessage } from 'node:http';
import { context as otelContext, isSpanContextValid, trace, type Context, type Span, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api';
import { parseTraceParent, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { ReadableSpan, Span as SdkSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import { redactUrl } from '@tp/logging';

/** Span attributes that hold a URL, a path or a query: they pass through the log redaction rules. */
export const URL_ATTRIBUTES = ['url.full', 'url.path', 'url.query', 'url.original', 'http.url', 'http.target'] as const;

/** The request id of the request a span serves: support goes from an error body's requestId to the trace. */
export const REQUEST_ID_ATTRIBUTE = 'request.id';

function redactAttribute(key: string, value: string): string {
  // A bare query has no `?`: redactUrl reads parameters after one.
  return key === 'url.query' ? redactUrl(`?${value}`).slice(1) : redactUrl(value);
}

/**
 * Rewrites every URL attribute of a span with redactUrl just before it ends (the last moment it
 * may change): no token, code or signature in a query or a path reaches the exporter.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  onStart(): void {}
  onEnding(span: SdkSpan): void {
    const attributes = (span as unknown as ReadableSpan).attributes;
    for (const key of URL_ATTRIBUTES) {
      const value = attributes[key];
      if (typeof value === 'string') span.setAttribute(key, redactAttribute(key, value));
    }
  }
  onEnd(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The edge's propagator: it writes its own traceparent on every hop but reads none, so a public
 * client can pick neither the parent nor the sampling decision of the edge's root span.
 */
export class InjectOnlyPropagator implements TextMapPropagator {
  private readonly w3c = new W3CTraceContextPropagator();
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    this.w3c.inject(context, carrier, setter);
  }
  extract(context: Context, _carrier: unknown, _getter: TextMapGetter): Context {
    return context;
  }
  fields(): string[] {
    return this.w3c.fields();
  }
}

/** A client's traceparent, recorded at the edge as a link of its own root span (never its parent). */
export function linkClientTraceparent(span: Span, request: IncomingMessage): void {
  const header = request.headers['traceparent'];
  if (typeof header !== 'string') return;
  const parsed = parseTraceParent(header);
  if (parsed && isSpanContextValid(parsed)) span.addLink({ context: parsed, attributes: { 'link.source': 'client traceparent' } });
}

/** The request id our request-id middleware fixed (req.requestContext), on the server span at its end. */
export function tagRequestId(span: Span, request: IncomingMessage): void {
  const requestId = request.requestContext?.requestId;
  if (requestId) span.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
}

/** Whether a request or outgoing path is a health probe or a scrape, which are never traced. */
export function isProbePath(path: string | undefined): boolean {
  const target = path ?? '';
  return target.startsWith('/health') || target === '/metrics' || target.startsWith('/metrics?');
}

/** The span of the context, if any (for tests and the log mixin). */
export const activeSpan = (): Span | undefined => trace.getSpan(otelContext.active());

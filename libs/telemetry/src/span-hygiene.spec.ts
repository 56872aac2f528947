import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { InjectOnlyPropagator, isProbePath, RedactingSpanProcessor } from './span-hygiene';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl';

describe('span hygiene', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new RedactingSpanProcessor(), new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('spec');
  afterEach(() => exporter.reset());

  it('redacts tokens, codes and JWTs in every URL attribute before a span is exported', () => {
    const span = tracer.startSpan('GET');
    span.setAttributes({
      'url.full': `http://user:4001/api/v1/user/profile?access_token=${JWT}&page=2`,
      'url.query': 'code=abc123&state=ok',
      'url.path': `/files/${JWT}/download`,
      'http.target': '/cb?signature=deadbeef',
      'http.request.method': 'GET',
    });
    span.end();

    const [exported] = exporter.getFinishedSpans();
    expect(JSON.stringify(exported!.attributes)).not.toMatch(/eyJhbGci|abc123|deadbeef/);
    expect(exported!.attributes).toMatchObject({
      'url.full': 'http://user:4001/api/v1/user/profile?access_token=[REDACTED]&page=2',
      'url.query': 'code=[REDACTED]&state=ok',
      'url.path': '/files/[REDACTED]/download',
      'http.target': '/cb?signature=[REDACTED]',
      'http.request.method': 'GET',
    });
  });

  it('injects its own traceparent but extracts none (the edge ignores a client one)', () => {
    const propagator = new InjectOnlyPropagator();
    const carrier: Record<string, string> = {};
    const span = tracer.startSpan('edge');
    propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, { set: (target, key, value) => ((target as Record<string, string>)[key] = value) });
    span.end();
    expect(carrier['traceparent']).toMatch(new RegExp(`^00-${span.spanContext().traceId}-`));

    const extracted = propagator.extract(context.active(), { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` }, { get: (c: unknown, k: string) => (c as Record<string, string>)[k], keys: (c: unknown) => Object.keys(c as object) });
    expect(trace.getSpanContext(extracted)).toBeUndefined();
  });

  it('counts /health* and /metrics as probes, not API paths', () => {
    expect([isProbePath('/health'), isProbePath('/health/detailed'), isProbePath('/metrics'), isProbePath('/api/v1/user/profile')]).toEqual([true, true, true, false]);
  });
});

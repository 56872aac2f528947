import { EventEmitter } from 'node:events';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { telemetryConfig } from '@tp/config';
import { edgeSampler } from './edge-sampling';
import { TracedEmittersContextManager } from './traced-emitters-context';

const ON = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };

describe('edge sampling', () => {
  it('reads the root sampling ratio from OTEL_TRACES_SAMPLER and its argument', () => {
    const ratio = (env: Record<string, string>) => telemetryConfig({ ...ON, ...env }).rootSampleRatio;
    expect(ratio({})).toBe(1);
    expect(ratio({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' })).toBe(0.1);
    expect(ratio({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '7' })).toBe(1);
    expect(ratio({ OTEL_TRACES_SAMPLER: 'traceidratio' })).toBe(1);
    expect(ratio({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' })).toBe(0);
    expect(ratio({ OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: '0.1' })).toBe(1);
  });

  it('traces about the ratio of requests, none at 0 and all at 1', () => {
    const share = (ratio: number) => {
      const sampled = edgeSampler(ratio);
      let traced = 0;
      for (let i = 0; i < 20_000; i++) if (sampled()) traced++;
      return traced / 20_000;
    };
    expect(share(0)).toBe(0);
    expect(share(1)).toBe(1);
    expect(Math.abs(share(0.1) - 0.1)).toBeLessThan(0.015);
  });

  it('binds an emitter to a traced context only: an untraced request keeps its listeners as they are', () => {
    const manager = new TracedEmittersContextManager().enable();
    const span = new TracerProvider().getTracer('spec').startSpan('traced');
    const traced = trace.setSpan(ROOT_CONTEXT, span);
    const untraced = new EventEmitter();
    const bound = new EventEmitter();
    manager.bind(suppressTracing(ROOT_CONTEXT), untraced);
    manager.bind(traced, bound);

    const seen: unknown[] = [];
    untraced.on('event', () => seen.push(trace.getSpan(manager.active())));
    bound.on('event', () => seen.push(trace.getSpan(manager.active())));
    untraced.emit('event');
    bound.emit('event');
    expect(seen).toEqual([undefined, span]);
    expect(Object.getOwnPropertySymbols(untraced).length).toBe(Object.getOwnPropertySymbols(new EventEmitter()).length);
    span.end();
    manager.disable();
  });
});

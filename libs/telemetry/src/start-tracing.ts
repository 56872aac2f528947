import { subscribe } from 'node:diagnostics_channel';
import { IncomingMessage } from 'node:http';
import { getNumberFromEnv, getStringFromEnv } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, type SpanExporter } from '@opentelemetry/sdk-trace';
import { PROCESS_SHUTDOWN_CHANNEL, SERVICES, telemetryConfig, type ServiceName, type ShutdownMessage } from '@tp/config';
import { edgeSampler, isUntraced } from './edge-sampling';
import { TracedEmittersContextManager } from './traced-emitters-context';
import { InjectOnlyPropagator, isProbePath, linkClientTraceparent, RedactingSpanProcessor, tagRequestId } from './span-hygiene';

/** The manifest process this is, from the script Node runs (its bundle, or its source entry under tsx). */
export function serviceOf(script: string): ServiceName | undefined {
  const normalised = script.replaceAll('\\', '/');
  return SERVICES.find((spec) => normalised.endsWith(spec.bundle) || normalised.endsWith(spec.entry))?.name;
}

/** OTLP over HTTP, JSON or protobuf as OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL says (the SDK's own variables). */
function otlpExporter(): SpanExporter {
  const protocol = getStringFromEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? getStringFromEnv('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf';
  if (protocol === 'http/json') return new OtlpJsonExporter();
  if (protocol === 'http/protobuf') return new OtlpProtobufExporter();
  throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported here: use http/protobuf or http/json`);
}

/**
 * The instrumentations, listed explicitly: http, express, pg, ioredis, undici. The edge has no
 * express instrumentation (no per-middleware spans there; its server span names the request)
 * and decides sampling as a request arrives (`sampled`): a request left out is ignored by the
 * HTTP instrumentation, runs with tracing suppressed and no emitter bound to its context, and
 * its hop is not instrumented either (the edge instruments a hop only inside a traced request).
 */
export function instrumentations(name: ServiceName, sampled: () => boolean = edgeSampler(telemetryConfig().rootSampleRatio)): Instrumentation[] {
  const isEdge = name === 'edge';
  const http = new HttpInstrumentation({
    ignoreIncomingRequestHook: isEdge ? (request) => isProbePath(request.url) || !sampled() : (request) => isProbePath(request.url),
    ignoreOutgoingRequestHook: (options) => isProbePath(options.path ?? undefined) || (isEdge && isUntraced()),
    ...(isEdge ? { requestHook: (span, request) => request instanceof IncomingMessage && linkClientTraceparent(span, request) } : {}),
    applyCustomAttributesOnSpan: (span, request) => request instanceof IncomingMessage && tagRequestId(span, request),
  });
  return [
    http,
    ...(isEdge ? [] : [new ExpressInstrumentation()]),
    // Only inside a trace: no root spans for pool connects, idle pings or BullMQ's blocking polls.
    new PgInstrumentation({ requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
    new UndiciInstrumentation({ ignoreRequestHook: (request) => isProbePath(request.path), requireParentforSpans: true }),
  ];
}

/** The SDK's pieces for one process. */
export function tracingConfiguration(name: ServiceName, serviceName: string): Partial<NodeSDKConfiguration> {
  const exporter = otlpExporter();
  const batch = new BatchSpanProcessor({
    exporter,
    scheduledDelayMillis: getNumberFromEnv('OTEL_BSP_SCHEDULE_DELAY'),
    maxQueueSize: getNumberFromEnv('OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: getNumberFromEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    exportTimeoutMillis: getNumberFromEnv('OTEL_BSP_EXPORT_TIMEOUT'),
  });
  return {
    serviceName,
    instrumentations: instrumentations(name),
    spanProcessors: [new RedactingSpanProcessor(), batch],
    // Traces only: metrics stay with Prometheus, logs with pino.
    metricReaders: [],
    logRecordProcessors: [],
    // The edge starts every trace itself, sampled as requests arrive (OTEL_TRACES_SAMPLER(_ARG),
    // telemetryConfig().rootSampleRatio): the SDK records every span it is asked for. The worker records only job
    // processing, whose parent is the upload request (BullMQ's polls start no trace).
    ...(name === 'edge' ? { textMapPropagator: new InjectOnlyPropagator(), sampler: new AlwaysOnSampler(), contextManager: new TracedEmittersContextManager() } : {}),
    ...(name === 'upload-worker' ? { sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) } : {}),
  };
}

/**
 * The preload (`--require dist/libs/telemetry/register.js`, from the manifest's Node flags):
 * nothing at all happens unless OTEL_EXPORTER_OTLP_ENDPOINT is set. The SDK is shut down (its
 * spans flushed) when libs/http announces the process's graceful shutdown.
 */
export function startTracing(script: string): NodeSDK | undefined {
  const settings = telemetryConfig();
  const name = serviceOf(script);
  if (!settings.enabled || !name) return undefined;
  const sdk = new NodeSDK(tracingConfiguration(name, settings.serviceName ?? name));
  sdk.start();
  // On the graceful shutdown (libs/http), the batch still queued is exported before the exit.
  subscribe(PROCESS_SHUTDOWN_CHANNEL, (message) => (message as ShutdownMessage).waitFor(sdk.shutdown()));
  return sdk;
}

import { z } from 'zod';
import { loadConfig, processEnv, type Env } from './load-config';
import { booleanFlag, httpUrl } from './env-schemas';

/**
 * The one tracing switch: on only when OTEL_EXPORTER_OTLP_ENDPOINT is set (and OTEL_SDK_DISABLED
 * is not true). Checked here so a malformed endpoint fails at boot; the sampler is read here too
 * (the edge samples as requests arrive); every other OTEL_* variable (protocol, service name,
 * batch delays) is read by the OpenTelemetry SDK itself, by the names of its specification, and
 * documented in docs/observability.md.
 */
const telemetryEnv = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess((value) => (value === '' ? undefined : value), httpUrl.optional()),
  OTEL_SDK_DISABLED: booleanFlag(false),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_TRACES_SAMPLER: z.string().trim().toLowerCase().default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.string().optional(),
});

export interface TelemetrySettings {
  enabled: boolean;
  /** OTEL_SERVICE_NAME when set, else the manifest name the caller passes. */
  serviceName?: string;
  /**
   * The share of root traces sampled, 0–1, from OTEL_TRACES_SAMPLER(_ARG): `always_off` 0,
   * `traceidratio` its argument (default 1, clamped), any other sampler 1. A root has no parent,
   * so `parentbased_x` samples roots as `x`.
   */
  rootSampleRatio: number;
}

function rootSampleRatio(sampler: string, argument: string | undefined): number {
  const root = sampler.replace(/^parentbased_/, '');
  if (root === 'always_off') return 0;
  if (root !== 'traceidratio') return 1;
  const ratio = Number(argument ?? 1);
  return Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 1;
}

export function telemetryConfig(env: Env = processEnv()): TelemetrySettings {
  const parsed = loadConfig(telemetryEnv, env);
  return {
    enabled: parsed.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined && !parsed.OTEL_SDK_DISABLED,
    serviceName: parsed.OTEL_SERVICE_NAME,
    rootSampleRatio: rootSampleRatio(parsed.OTEL_TRACES_SAMPLER, parsed.OTEL_TRACES_SAMPLER_ARG),
  };
}

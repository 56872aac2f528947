import { z } from 'zod';
import { loadConfig, processEnv, type Env } from './load-config';
import { booleanFlag, httpUrl } from './env-schemas';

/**
 * The one tracing switch: on only when OTEL_EXPORTER_OTLP_ENDPOINT is set (and OTEL_SDK_DISABLED
 * is not true). Checked here so a malformed endpoint fails at boot; every other OTEL_* variable
 * (protocol, sampler and its argument, service name, batch delays) is read by the OpenTelemetry
 * SDK itself, by the names of its specification, and documented in docs/observability.md.
 */
const telemetryEnv = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess((value) => (value === '' ? undefined : value), httpUrl.optional()),
  OTEL_SDK_DISABLED: booleanFlag(false),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
});

export interface TelemetrySettings {
  enabled: boolean;
  /** OTEL_SERVICE_NAME when set, else the manifest name the caller passes. */
  serviceName?: string;
}

export function telemetryConfig(env: Env = processEnv()): TelemetrySettings {
  const parsed = loadConfig(telemetryEnv, env);
  return { enabled: parsed.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined && !parsed.OTEL_SDK_DISABLED, serviceName: parsed.OTEL_SERVICE_NAME };
}

// The tracing preload, bundled on its own (dist/libs/telemetry/register.js) and loaded by every
// launcher through the manifest's Node flags, before the app: the module hooks then see pg,
// ioredis, express and undici when the app first requires them. Off (no OTLP endpoint), it
// loads no OpenTelemetry module at all: the SDK is required only once tracing is on.
import { telemetryConfig } from '@tp/config';

if (telemetryConfig().enabled) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous, lazy: before the app, only when on
  const { startTracing } = require('./start-tracing') as typeof import('./start-tracing');
  startTracing(process.argv[1] ?? '');
}

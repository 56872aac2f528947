import pino, { type Logger, type LevelWithSilent } from 'pino';
import { requestContextFields } from './request-context';

export interface LoggerOptions {
  service: string;
  level: LevelWithSilent;
  /** Human-readable output for local development only; JSON lines otherwise. */
  pretty?: boolean;
  /** Where lines go; tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
}

/**
 * Secrets never reach a log line: credentials in headers, tokens in bodies or
 * query strings and Paddle signatures are censored wherever they appear.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["set-cookie"]',
  'req.headers["paddle-signature"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["paddle-signature"]',
  '*.authorization',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.refresh_token',
  '*.client_secret',
  '*.secret',
];

/**
 * stdout is pino's default destination, already asynchronous (SonicBoom, sync false): a line is
 * handed to one write in flight and lines logged meanwhile go out together. A 4 KiB buffer
 * (minLength) measured slower here (docs/benchmark.md, issue 24), so there is none. flushLogs
 * writes what is pending synchronously (SIGTERM, a start failure, a crash); pino does on exit.
 * A test's stream has nothing to flush.
 */
export function flushLogs(logger: Logger): void {
  const stream = (logger as unknown as Record<symbol, { flushSync?: () => void } | undefined>)[pino.symbols.streamSym];
  try {
    stream?.flushSync?.();
  } catch {
    // A destination already closed (or not open yet) has nothing left to write.
  }
}

export function createLogger(options: LoggerOptions): Logger {
  const config: pino.LoggerOptions = {
    level: options.level,
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    // requestId/userId of the request being served, on every line: no child logger per request.
    mixin: requestContextFields,
  };
  if (options.destination) return pino(config, options.destination);
  if (options.pretty) {
    return pino({ ...config, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(config, pino.destination({ dest: 1, sync: false }));
}

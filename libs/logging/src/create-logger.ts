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
 * Lines to stdout are buffered and written asynchronously, at 4 KiB or every 250 ms, whichever
 * comes first: no write syscall per request line. flushLogs writes the buffer synchronously
 * (shutdown, fatal errors) and pino does the same on process exit, so no line is lost on an exit.
 */
export const LOG_BUFFER = { minLength: 4096, periodicFlushMs: 250 };

/**
 * stdout through pino's asynchronous destination; `written` (pino's streamWrite hook) marks it
 * so a timer flushes a partial buffer only after lines were written (twice: a flush that falls
 * during a write is a no-op). The timer holds the destination weakly and stops with it.
 */
function bufferedStdout() {
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER.minLength });
  const ref = new WeakRef(destination);
  let flushesOwed = 0;
  const timer = setInterval(() => {
    const live = ref.deref();
    if (!live) return clearInterval(timer);
    if (flushesOwed === 0) return;
    flushesOwed -= 1;
    try {
      live.flush();
    } catch {
      clearInterval(timer); // destroyed: nothing will be written to it again
    }
  }, LOG_BUFFER.periodicFlushMs);
  timer.unref();
  const written = (line: string) => {
    flushesOwed = 2;
    return line;
  };
  return { destination, written };
}

/** Writes the logger's buffered lines now, synchronously (a test's stream has nothing to flush). */
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
  const stdout = bufferedStdout();
  return pino({ ...config, hooks: { streamWrite: stdout.written } }, stdout.destination);
}

import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@tp/logging';

export interface LogCapture {
  logger: Logger;
  /** Parsed JSON lines written so far. */
  lines: () => Array<Record<string, unknown>>;
  raw: () => string;
}

/** A real pino logger writing into memory, so tests can assert on exact log lines. */
export function captureLogs(service = 'test'): LogCapture {
  let raw = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      raw += chunk.toString();
      callback();
    },
  });
  const logger = createLogger({ service, level: 'info', destination });
  return {
    logger,
    raw: () => raw,
    lines: () =>
      raw
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

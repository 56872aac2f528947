import { ServiceUnavailableError } from '@tp/errors';

// Connection-level failures (not query bugs): refused, reset, timeouts, admin shutdown, too many clients.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006']);

export function isDatabaseUnavailable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; current && depth < 4; depth += 1) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated|not currently accepting connections/i.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Runs a data-access call and turns "Postgres is unreachable" into a 503 the client can retry. */
export async function withDatabase<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw new ServiceUnavailableError('Database unavailable, retry shortly', { cause: err });
    throw err;
  }
}

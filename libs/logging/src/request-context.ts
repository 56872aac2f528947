import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

/** Per-request state reachable from any code running on behalf of the request. */
export interface RequestContext {
  requestId: string;
  userId?: string;
  logger?: Logger;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function getRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Records the authenticated user so the request log line and child loggers carry it. */
export function setRequestUser(userId: string): void {
  const context = storage.getStore();
  if (context) context.userId = userId;
}

/** The request's child logger (with requestId) when inside a request, else the given base logger. */
export function contextLogger(base: Logger): Logger {
  return storage.getStore()?.logger ?? base;
}

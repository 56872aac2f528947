/**
 * The graceful shutdown's diagnostics channel (node:diagnostics_channel), the interface between
 * libs/http, which owns the lifecycle, and code loaded before the app in its own bundle (the
 * tracing preload) that cannot import libs/http. On SIGTERM/SIGINT, once in-flight requests are
 * done and the closers ran, startServer publishes one ShutdownMessage on it and, bounded by the
 * shutdown timeout, awaits every promise a subscriber handed to `waitFor` before the process
 * exits. Named here, the one module both bundles share.
 */
export const PROCESS_SHUTDOWN_CHANNEL = 'tp.process.shutdown';

export interface ShutdownMessage {
  /** Keep the process alive until `work` settles (or the shutdown timeout passes). */
  waitFor: (work: Promise<unknown>) => void;
}

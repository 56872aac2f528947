import { channel } from 'node:diagnostics_channel';
import { PROCESS_SHUTDOWN_CHANNEL, type ShutdownMessage } from '@tp/config';

/**
 * Publishes the process's graceful shutdown on PROCESS_SHUTDOWN_CHANNEL (libs/config) and waits
 * for what its subscribers still have to do (the tracing preload flushes its spans), at most
 * `timeoutMs`: a subscriber that never finishes does not keep the process from exiting.
 */
export async function announceShutdown(timeoutMs: number): Promise<void> {
  const shutdown = channel(PROCESS_SHUTDOWN_CHANNEL);
  if (!shutdown.hasSubscribers) return;
  const pending: Array<Promise<unknown>> = [];
  const message: ShutdownMessage = { waitFor: (work) => void pending.push(work) };
  shutdown.publish(message);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  await Promise.race([Promise.allSettled(pending), deadline]);
  clearTimeout(timer);
}

import type { RequestHandler } from 'express';
import { ServiceUnavailableError } from '@tp/errors';

/**
 * At most `maxSockets` requests of one lane talk to the service at once (its keep-alive pool);
 * the next ones wait here, first come first served, at most `queueTimeoutMs`, then get 503 with
 * Retry-After. The wait is ours, not http.Agent's: a request queued inside the agent cannot be
 * timed out (destroying it reports nothing until a socket frees), so a pool held by slow uploads
 * used to hold every request queued behind it too. A waiting client that leaves frees its place.
 */
export function socketQueue(service: string, maxSockets: number, queueTimeoutMs: number): RequestHandler {
  let active = 0;
  const waiting = new Set<() => void>();
  const release = () => {
    active -= 1;
    const next = waiting.values().next();
    if (!next.done) next.value();
  };
  return (_req, res, next) => {
    const start = () => {
      active += 1;
      res.once('close', release);
      next();
    };
    if (active < maxSockets) {
      start();
      return;
    }
    const leave = () => {
      clearTimeout(timer);
      waiting.delete(admit);
      res.off('close', leave);
    };
    const admit = () => {
      leave();
      start();
    };
    const timer = setTimeout(() => {
      leave();
      next(new ServiceUnavailableError(`The ${service} service is at capacity, retry shortly`, { headers: { 'retry-after': '1' } }));
    }, queueTimeoutMs);
    waiting.add(admit);
    res.once('close', leave);
  };
}

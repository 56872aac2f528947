import type { RequestHandler } from 'express';
import { ServiceUnavailableError } from '@tp/errors';

/**
 * Caps the requests in flight to one service. Past the cap the client gets 503 with
 * Retry-After at once: a queue without bound only turns overload into timeouts for everyone.
 */
export function upstreamGate(service: string, maxInFlight: number): RequestHandler {
  let inFlight = 0;
  return (_req, res, next) => {
    if (inFlight >= maxInFlight) {
      next(new ServiceUnavailableError(`The ${service} service is at capacity, retry shortly`, { headers: { 'retry-after': '1' } }));
      return;
    }
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
    });
    next();
  };
}

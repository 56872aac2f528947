import type { Request, RequestHandler } from 'express';

/**
 * The rate limiter for every request but those `uncounted` picks, which pass without a hit (and
 * without the RateLimit headers: they spend nothing). One limiter, one bucket per client.
 */
export function countedUnless(uncounted: (req: Request) => boolean, rateLimiter: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (uncounted(req)) {
      next();
      return;
    }
    return rateLimiter(req, res, next);
  };
}

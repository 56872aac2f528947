import type { RequestHandler } from 'express';
import { authenticate, type AuthMode, type TokenVerifier } from '@tp/auth';
import { UnauthorizedError } from '@tp/errors';

/**
 * Runs `guard` (an async middleware that throws UnauthorizedError for a bad token), but a 401
 * first passes through the rate limiter. The request has no identity then, so it counts against
 * the client IP's bucket: a client guessing tokens (or inventing kids) gets 429 once that bucket
 * is spent instead of unlimited 401s. Valid tokens skip this and are limited per user afterwards,
 * so a user behind a busy NAT is not blocked by another client's failures.
 */
export function countUnauthorized(guard: RequestHandler, rateLimiter: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const counted = (err: unknown) => {
      if (!(err instanceof UnauthorizedError)) throw err;
      req.identity = undefined;
      // The limiter calls next() while the bucket has room (→ the 401), or next(429) once it is spent.
      return rateLimiter(req, res, (limited?: unknown) => next(limited ?? err));
    };
    // The guard answers synchronously for a cached token: no promise on that path.
    let outcome: unknown;
    try {
      outcome = guard(req, res, next);
    } catch (err) {
      return counted(err);
    }
    return outcome instanceof Promise ? outcome.then(undefined, counted) : undefined;
  };
}

/** authenticate() whose 401s count against the client IP's rate-limit bucket. */
export function authenticateCountingFailures(verifier: TokenVerifier, mode: AuthMode, rateLimiter: RequestHandler): RequestHandler {
  return countUnauthorized(authenticate(verifier, mode), rateLimiter);
}

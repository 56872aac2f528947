import type { Request, RequestHandler } from 'express';

/**
 * Requests `failuresOnlyFor` picks go through `failuresOnly` (a limiter on the same bucket that
 * gives a request back when it answers < 400), every other request through `counted`. An accepted
 * resumable PATCH spends nothing; a refused one (404, 409, 410, 413) spends like any call, so a
 * flood of PATCHes still runs out of the client's requests per minute.
 */
export function countedUnless(
  failuresOnlyFor: (req: Request) => boolean,
  limiters: { counted: RequestHandler; failuresOnly: RequestHandler },
): RequestHandler {
  return (req, res, next) => (failuresOnlyFor(req) ? limiters.failuresOnly : limiters.counted)(req, res, next);
}

import type { NextFunction, Request, RequestHandler } from 'express';
import { UnauthorizedError } from '@tp/errors';
import { setRequestUser } from '@tp/logging';
import type { Identity } from './identity';
import { TOKEN_ERRORS, type TokenVerifier } from './token-verifier';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set only from a verified bearer token, never from a header a client could forge. */
      identity?: Identity;
    }
  }
}

export type AuthMode = 'required' | 'optional';

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer +([^ ]+) *$/i.exec(header);
  if (!match?.[1]) throw new UnauthorizedError(TOKEN_ERRORS.malformed);
  return match[1];
}

/**
 * `required`: no token → 401. `optional`: no token → anonymous. In both modes a token
 * that is present but invalid is a 401: a broken client must not silently downgrade.
 * A token verified before (the verifier's cache) is accepted synchronously; only a new token
 * returns a promise (Express sends its rejection, a 401, to the error middleware).
 */
export function authenticate(verifier: TokenVerifier, mode: AuthMode): RequestHandler {
  const accept = (req: Request, identity: Identity, next: NextFunction) => {
    req.identity = identity;
    setRequestUser(identity.userId);
    next();
  };
  return (req, _res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) {
      if (mode === 'required') throw new UnauthorizedError(TOKEN_ERRORS.missing);
      next();
      return undefined;
    }
    const cached = verifier.verifyCached(token);
    // Stryker disable next-line ConditionalExpression,BlockStatement: a fast path; verify() answers a cached token with the same identity
    if (cached) {
      accept(req, cached, next);
      return undefined;
    }
    return verifier.verify(token).then((identity) => accept(req, identity, next));
  };
}

/** For handlers behind `authenticate(…, 'required')`. */
export function requireIdentity(req: { identity?: Identity }): Identity {
  if (!req.identity) throw new UnauthorizedError(TOKEN_ERRORS.missing);
  return req.identity;
}

import type { Request, RequestHandler } from 'express';
import { ADMIN_ROLE, TOKEN_ERRORS, type TokenVerifier } from '@tp/auth';
import { ForbiddenError, UnauthorizedError } from '@tp/errors';
import { setRequestUser } from '@tp/logging';

/** `Authorization: Bearer` for tools, `?token=` for a browser opening /docs (redacted from request logs). */
export function docsToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer +([^ ]+) *$/i.exec(header);
    if (!match?.[1]) throw new UnauthorizedError(TOKEN_ERRORS.malformed);
    return match[1];
  }
  const query = req.query['token'];
  return typeof query === 'string' && query ? query : undefined;
}

/** SWAGGER_ADMIN_ONLY: no token → 401, a token without the admin realm role → 403. */
export function docsAccess(verifier: TokenVerifier, adminOnly: boolean): RequestHandler {
  return async (req, _res, next) => {
    if (!adminOnly) {
      next();
      return;
    }
    const token = docsToken(req);
    if (!token) throw new UnauthorizedError(TOKEN_ERRORS.missing);
    const identity = await verifier.verify(token);
    setRequestUser(identity.userId);
    if (!identity.roles.includes(ADMIN_ROLE)) throw new ForbiddenError('The API documentation requires the admin role');
    next();
  };
}

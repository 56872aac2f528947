import type { Request, RequestHandler, Response } from 'express';
import { ADMIN_ROLE, TOKEN_ERRORS, type TokenVerifier } from '@tp/auth';
import { ForbiddenError, UnauthorizedError } from '@tp/errors';
import { setRequestUser } from '@tp/logging';

/** The docs cookie: `__Secure-` so a browser only takes it with Secure; scoped to /docs, never API auth. */
export const DOCS_COOKIE = '__Secure-tp-docs-token';
/** Short-lived: the token inside is verified again on every /docs request anyway. */
export const DOCS_COOKIE_MAX_AGE_S = 600;

type DocsCredential = { token: string; from: 'header' | 'query' | 'cookie' };

function cookieToken(header: string | undefined): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1 || pair.slice(0, equals).trim() !== DOCS_COOKIE) continue;
    try {
      return decodeURIComponent(pair.slice(equals + 1).trim()) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * `Authorization: Bearer` for tools; `?token=` for a browser's first load of /docs; then the
 * docs cookie that first load set. The query and the cookie count only here, under /docs.
 */
function docsCredential(req: Request): DocsCredential | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer +([^ ]+) *$/i.exec(header);
    if (!match?.[1]) throw new UnauthorizedError(TOKEN_ERRORS.malformed);
    return { token: match[1], from: 'header' };
  }
  const query = req.query['token'];
  if (typeof query === 'string' && query) return { token: query, from: 'query' };
  const cookie = cookieToken(req.headers.cookie);
  return cookie ? { token: cookie, from: 'cookie' } : undefined;
}

/** The same path and query without `token` (under any encoding of its name): a relative URL on this host. */
function withoutToken(req: Request): string {
  const url = new URL(req.originalUrl, 'http://edge.invalid');
  url.searchParams.delete('token');
  return `${url.pathname.replace(/^\/+/, '/')}${url.search}`;
}

/** Moves a verified query token into the docs cookie and sends the browser to the URL without it. */
function redirectWithoutToken(req: Request, res: Response, token: string | undefined): void {
  if (token) {
    res.cookie(DOCS_COOKIE, token, { path: '/docs', maxAge: DOCS_COOKIE_MAX_AGE_S * 1000, httpOnly: true, secure: true, sameSite: 'strict' });
  }
  res.set('Cache-Control', 'no-store').redirect(303, withoutToken(req));
}

/**
 * SWAGGER_ADMIN_ONLY: no token → 401, a token without the admin realm role → 403, whichever
 * way it came. A `?token=` (verified first) is answered 303 to the URL without it, so it
 * stays out of proxy logs, history and Referer: assets and the document then load by cookie.
 */
export function docsAccess(verifier: TokenVerifier, adminOnly: boolean): RequestHandler {
  return async (req, res, next) => {
    const credential = docsCredential(req);
    if (!adminOnly) {
      if (credential?.from === 'query') redirectWithoutToken(req, res, undefined);
      else next();
      return;
    }
    if (!credential) throw new UnauthorizedError(TOKEN_ERRORS.missing);
    const identity = await verifier.verify(credential.token);
    setRequestUser(identity.userId);
    if (!identity.roles.includes(ADMIN_ROLE)) throw new ForbiddenError('The API documentation requires the admin role');
    if (credential.from === 'query') redirectWithoutToken(req, res, credential.token);
    else next();
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The API serves JSON only, so the CSP forbids everything and framing is denied.
 * HSTS tells browsers to stay on HTTPS once they have seen it.
 */
function edgeHelmet() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
    frameguard: { action: 'deny' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
}

/**
 * Runs helmet once, at start-up, against a recording response: its headers depend on the
 * configuration only, never on the request. Helmet stays the source of every value.
 */
export function helmetHeaders(): Array<[string, string]> {
  const recorded = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => recorded.set(name, String(value)),
    removeHeader: (name: string) => recorded.delete(name),
  };
  let done = false;
  edgeHelmet()(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (err?: unknown) => {
      if (err) throw err;
      done = true;
    },
  );
  if (!done) throw new Error('helmet did not finish synchronously');
  return [...recorded.entries()];
}

/** The headers helmet computed once, set on every response (no per-request helmet work). */
export function securityHeaders(): RequestHandler {
  const headers = helmetHeaders();
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

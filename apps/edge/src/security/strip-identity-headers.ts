import type { RequestHandler } from 'express';

// Headers some gateways use to pass identity downstream. Ours never does, and a client
// must not be able to smuggle them to a service that someday might trust one.
const IDENTITY_HEADER = /^(x-user-|x-auth-|x-identity-|x-forwarded-user|x-forwarded-email|x-remote-user|x-internal-)/i;

const LOWER_X = 0x78;

/** Walks rawHeaders (already an array) rather than allocating Object.keys(req.headers) per request. */
export function stripIdentityHeaders(): RequestHandler {
  return (req, _res, next) => {
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      // Every identity header starts with x-: one char test before the regex for all others.
      if ((name.charCodeAt(0) | 0x20) === LOWER_X && IDENTITY_HEADER.test(name)) delete req.headers[name.toLowerCase()];
    }
    next();
  };
}

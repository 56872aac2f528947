import type { RequestHandler } from 'express';

// Headers some gateways use to pass identity downstream. Ours never does, and a client
// must not be able to smuggle them to a service that someday might trust one.
const IDENTITY_HEADER = /^(x-user-|x-auth-|x-identity-|x-forwarded-user|x-forwarded-email|x-remote-user|x-internal-)/i;

export function stripIdentityHeaders(): RequestHandler {
  return (req, _res, next) => {
    for (const name of Object.keys(req.headers)) {
      if (IDENTITY_HEADER.test(name)) delete req.headers[name];
    }
    next();
  };
}

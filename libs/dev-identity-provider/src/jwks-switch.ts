import type { RequestListener } from 'node:http';

/** Wraps the realm's listener so tests can take the JWKS endpoint down and count its requests. */
export interface JwksSwitch {
  listener: RequestListener;
  setAvailable(available: boolean): void;
  requests(): number;
}

export function jwksSwitch(jwksPath: string, next: RequestListener): JwksSwitch {
  let available = true;
  let requests = 0;
  return {
    listener: (req, res) => {
      if ((req.url ?? '').split('?')[0] === jwksPath) {
        requests += 1;
        // Only the key endpoint fails: tokens can still be issued and signed, as during a partial outage.
        if (!available) {
          res.writeHead(503, { 'content-type': 'text/plain' });
          res.end('JWKS unavailable (simulated outage)');
          return;
        }
      }
      next(req, res);
    },
    setAvailable: (value) => {
      available = value;
    },
    requests: () => requests,
  };
}

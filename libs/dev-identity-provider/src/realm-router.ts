import type { RequestListener } from 'node:http';

/**
 * Serves `handler` under `prefix` only, like Keycloak serves a realm under `/realms/<realm>`.
 * oauth2-mock-server routes from the root, so the prefix is stripped before delegating.
 */
export function createRealmRouter(prefix: string, handler: RequestListener): RequestListener {
  return (req, res) => {
    const url = req.url ?? '/';
    const rest = url.slice(prefix.length);
    if (url.startsWith(prefix) && (rest === '' || rest.startsWith('/') || rest.startsWith('?'))) {
      req.url = rest.startsWith('/') ? rest : `/${rest}`;
      handler(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'Unable to find matching target resource method' }));
  };
}

import type { Express, RequestHandler } from 'express';
import { MethodNotAllowedError } from '@tp/errors';
import { mountedRoutes } from '@tp/openapi';

interface RoutePattern {
  pattern: RegExp;
  methods: Set<string>;
}

/** `GET /api/v1/flags/:key` lines as one pattern per path with its methods. */
function routeTable(routes: string[]): RoutePattern[] {
  const byPath = new Map<string, Set<string>>();
  for (const route of routes) {
    const [method = '', path = ''] = route.split(' ');
    byPath.set(path, (byPath.get(path) ?? new Set()).add(method));
  }
  return [...byPath].map(([path, methods]) => {
    const segments = path.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    return { pattern: new RegExp(`^${segments.join('/')}/?$`), methods };
  });
}

/**
 * A path the app serves, asked with a method it does not serve there, is a 405 with `Allow`
 * (RFC 9110 §15.5.6), not a 404. Read from the app's own routes once, at the first miss.
 */
export function methodNotAllowed(app: Express): RequestHandler {
  let table: RoutePattern[] | undefined;
  return (req, _res, next) => {
    table ??= routeTable(mountedRoutes(app));
    const allowed = new Set<string>();
    for (const route of table) if (route.pattern.test(req.path)) route.methods.forEach((method) => allowed.add(method));
    if (allowed.size === 0 || allowed.has(req.method)) {
      next();
      return;
    }
    if (allowed.has('GET')) allowed.add('HEAD');
    const allow = [...allowed].sort().join(', ');
    next(new MethodNotAllowedError(`${req.method} is not allowed on ${req.path} (allowed: ${allow})`, { headers: { allow } }));
  };
}

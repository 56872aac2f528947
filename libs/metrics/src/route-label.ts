import type { Request, Response } from 'express';

/**
 * The route template for a request (e.g. `/api/v1/flags/:key`), never the raw path, so label
 * cardinality stays bounded. Proxies and other prefix mounts set `res.locals.routeLabel`.
 */
export function routeLabel(req: Request, res: Response): string {
  const explicit = res.locals.routeLabel;
  if (typeof explicit === 'string') return explicit;
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}`;
  return res.statusCode === 404 ? 'unmatched' : 'other';
}

import type { Express } from 'express';

/** The parts of router@2's Layer and Route this walk reads (Express 5 keeps them on `app.router`). */
interface RouteLike {
  path: string;
  methods: Record<string, boolean | undefined>;
}
interface LayerLike {
  rawPath?: unknown;
  route?: RouteLike;
  handle?: { stack?: LayerLike[] };
}

function join(prefix: string, path: string): string {
  const joined = `${prefix.replace(/\/$/, '')}/${path.replace(/^\//, '')}`;
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function walk(stack: LayerLike[], prefix: string, found: string[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const methods = Object.keys(layer.route.methods).filter((method) => method !== '_all' && layer.route?.methods[method]);
      for (const method of methods) found.push(`${method.toUpperCase()} ${join(prefix, layer.route.path)}`);
    } else if (Array.isArray(layer.handle?.stack)) {
      // A mounted router: `app.use(router)` has rawPath '/', `app.use('/x', router)` has '/x'.
      walk(layer.handle.stack, join(prefix, typeof layer.rawPath === 'string' ? layer.rawPath : '/'), found);
    }
  }
}

/** Every route (method + Express path) actually mounted on an app, including nested routers. */
export function mountedRoutes(app: Express): string[] {
  const found: string[] = [];
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '/', found);
  return [...new Set(found)].sort();
}

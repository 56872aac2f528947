import type { NextFunction, RequestHandler } from 'express';

/**
 * Runs `handlers` in order as ONE Express layer, by Express's own rules: `next()` moves on,
 * `next(err)`, a throw or a rejected promise leaves the chain for the error middleware, and
 * the last `next()` continues after the layer. Why: Express's router pays a path match, a
 * prefix trim and restore, and a `next` frame for every layer; a proxied request crosses a
 * dozen fixed middlewares, so each of them as a layer of its own was measurable per request.
 */
export function handlerChain(handlers: readonly RequestHandler[]): RequestHandler {
  // Express tells error middleware by its four parameters; in a chain it would run as a handler.
  if (handlers.some((handler) => handler.length > 3)) throw new Error('handlerChain takes request handlers, not error middleware');
  if (handlers.length === 1) return handlers[0]!;
  const count = handlers.length;
  return (req, res, done) => {
    let index = 0;
    const next: NextFunction = (err?: unknown) => {
      // 'route' and 'router' are Express's own signals for the layers outside: pass them on.
      if (err || index === count) {
        index = count;
        done(err);
        return;
      }
      const handler = handlers[index++]!;
      try {
        const result: unknown = handler(req, res, next);
        if (result instanceof Promise) result.then(undefined, (error: unknown) => next(error || new Error('Rejected promise')));
      } catch (error) {
        next(error);
      }
    };
    next();
  };
}

/**
 * `handler` only for paths under `prefix` (matched as Express matches a mount path: case
 * insensitive, whole segments); every other request skips it with one regular-expression test
 * instead of entering a router and trying each of its routes.
 */
export function underPath(prefix: string, handler: RequestHandler): RequestHandler {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${escaped}(?:[/?#]|$)`, 'i');
  const gate: RequestHandler = (req, res, next) => {
    if (pattern.test(req.url)) {
      handler(req, res, next);
      return;
    }
    next();
  };
  // A router's routes stay visible to whatever lists mounted routes (mountedRoutes, the OpenAPI check).
  const stack = (handler as { stack?: unknown }).stack;
  return stack === undefined ? gate : Object.assign(gate, { stack });
}

import type { Express, RequestHandler, Router } from 'express';
import { buildOperation, openApiPath } from './build-operation';
import { errorBodySchema, SECURITY_SCHEMES } from './error-schema';
import { toOpenApiSchema, type JsonSchema } from './json-schema';
import { mountedRoutes } from './mounted-routes';
import type { RouteDoc } from './route-doc';

export interface OpenApiFragment {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
}

/** Shared components every fragment carries, so each one is a complete piece on its own. */
export function sharedComponents(): OpenApiFragment['components'] {
  return { schemas: { ErrorBody: toOpenApiSchema(errorBodySchema, 'output') }, securitySchemes: { ...SECURITY_SCHEMES } };
}

/** A service's documented routes: each declared once, next to the schemas that validate it. */
export class ApiRegistry {
  private readonly routes: RouteDoc[] = [];

  /** Declares a route; returns it so the route file can keep the schemas at hand. */
  route<T extends RouteDoc>(doc: T): T {
    this.routes.push(doc);
    return doc;
  }

  /** Declares a route and mounts its handlers on the router at the documented method and path. */
  mount(router: Router, doc: RouteDoc, ...handlers: RequestHandler[]): void {
    this.route(doc);
    router.route(doc.path)[doc.method](...handlers);
  }

  /** `{ paths, components }` for this service. */
  fragment(): OpenApiFragment {
    const paths: OpenApiFragment['paths'] = {};
    for (const route of this.routes) {
      const path = openApiPath(route.path);
      paths[path] = { ...paths[path], [route.method]: buildOperation(route) };
    }
    return { paths, components: sharedComponents() };
  }
}

/** `GET /api/v1/flags/:key`-style keys of every documented operation. */
export function documentedRoutes(fragment: Pick<OpenApiFragment, 'paths'>): string[] {
  return Object.entries(fragment.paths)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{([^{}]+)\}/g, ':$1')}`))
    .sort();
}

/**
 * GET /openapi.json on a service's own port (internal; the edge merges it). `x-mounted-routes`
 * lists what the app really mounts, so a test can prove no route is undocumented.
 */
export function openApiHandler(registry: ApiRegistry): RequestHandler {
  return (req, res) => {
    res.json({ ...registry.fragment(), 'x-mounted-routes': mountedRoutes(req.app as Express) });
  };
}

export interface MultipartFileField {
  description: string;
  /** Largest file accepted, in bytes (the schema's maxLength). */
  maxBytes: number;
  /** A batch field: at most this many files. */
  maxFiles?: number;
}

/** A multipart form of binary file fields (OpenAPI 3.1: `contentMediaType` instead of 3.0's `format: binary`). */
export function multipartFiles(fields: Record<string, MultipartFileField>): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, field] of Object.entries(fields)) {
    const binary = { type: 'string', contentMediaType: 'application/octet-stream', maxLength: field.maxBytes };
    properties[name] = field.maxFiles
      ? { type: 'array', items: binary, maxItems: field.maxFiles, description: field.description }
      : { ...binary, description: field.description };
  }
  return { type: 'object', properties };
}

import { z } from 'zod';
import { BEARER_SCHEME, errorResponse, withRateLimitHeaders } from './error-schema';
import { toOpenApiSchema, type JsonSchema } from './json-schema';
import type { RequestBodyDoc, ResponseDoc, RouteDoc } from './route-doc';

/** `/api/v1/flags/:key` → `/api/v1/flags/{key}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

/** Statuses any operation can answer: a malformed request (400), an unexpected failure (500). */
const ALWAYS = [400, 500];

function security(route: RouteDoc): Array<Record<string, string[]>> {
  const others = (route.credentials ?? []).map((scheme) => ({ [scheme]: [] }));
  if (route.auth === 'required') return [{ [BEARER_SCHEME]: [] }, ...others];
  // `{}` first: calling without credentials is allowed.
  if (route.auth === 'optional') return [{}, { [BEARER_SCHEME]: [] }, ...others];
  return others;
}

function objectParameters(schema: z.ZodObject | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const json = toOpenApiSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (json.required ?? []).includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
}

function parameters(route: RouteDoc) {
  const headers = (route.headers ?? []).map((header) => ({
    name: header.name,
    in: 'header',
    required: header.required ?? false,
    description: header.description,
    schema: header.schema ?? { type: 'string', maxLength: 256 },
  }));
  return [...objectParameters(route.params, 'path'), ...objectParameters(route.query, 'query'), ...headers];
}

function requestBody(body: RequestBodyDoc) {
  const description = body.description ? { description: body.description } : {};
  if ('json' in body) return { required: true, ...description, content: { 'application/json': { schema: toOpenApiSchema(body.json, 'input') } } };
  if ('multipart' in body) return { required: true, ...description, content: { 'multipart/form-data': { schema: body.multipart } } };
  return { required: true, ...description, content: { [body.mediaType]: { schema: toOpenApiSchema(body.schema, 'input') } } };
}

function response(doc: ResponseDoc) {
  const headers = doc.headers ? { headers: doc.headers } : {};
  if (doc.json) return { description: doc.description, ...headers, content: { 'application/json': { schema: toOpenApiSchema(doc.json, 'output') } } };
  if (doc.mediaType) return { description: doc.description, ...headers, content: { [doc.mediaType]: { schema: { type: 'string', maxLength: doc.maxLength ?? 65_536 } } } };
  return { description: doc.description, ...headers };
}

/** The OpenAPI operation object for one declared route. */
export function buildOperation(route: RouteDoc) {
  const responses: Record<string, unknown> = {};
  for (const [status, doc] of Object.entries(route.responses)) responses[status] = response(doc);
  const errors = new Set([...ALWAYS, ...(route.errors ?? [])]);
  if (route.auth === 'required' || route.auth === 'optional' || route.credentials) errors.add(401);
  for (const status of [...errors].sort()) responses[String(status)] ??= errorResponse(status);
  // Express answers a conditional GET that matches (`If-None-Match: *` matches any representation) with 304.
  if (route.method === 'get') responses['304'] ??= { description: 'Not modified: a conditional request matched (no body)' };
  const params = parameters(route);
  const operation = {
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    operationId: `${route.method}${openApiPath(route.path).replace(/[^A-Z0-9]+(.)?/gi, (_m, c?: string) => (c ? c.toUpperCase() : ''))}`,
    tags: route.tags,
    security: security(route),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.body ? { requestBody: requestBody(route.body) } : {}),
    responses,
  };
  if (route.rateLimited) withRateLimitHeaders(operation);
  return operation;
}

import type { z } from 'zod';
import type { JsonSchema } from './json-schema';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** `required`: bearer token needed; `optional`: anonymous allowed; `none`: authenticated otherwise (e.g. a signature). */
export type RouteAuth = 'required' | 'optional' | 'none';

export interface HeaderDoc {
  name: string;
  description: string;
  required?: boolean;
  schema?: JsonSchema;
}

export type RequestBodyDoc =
  | { json: z.ZodType; description?: string }
  /** A body the route reads itself (raw bytes); `schema` describes what it must contain. */
  | { mediaType: string; schema: z.ZodType; description?: string }
  | { multipart: JsonSchema; description?: string };

export interface ResponseDoc {
  description: string;
  json?: z.ZodType;
  /** Non-JSON bodies (HTML, scripts). */
  mediaType?: string;
  headers?: Record<string, { description: string; schema?: JsonSchema }>;
}

/** One route, declared once: its docs and the schemas that validate it. */
export interface RouteDoc {
  method: HttpMethod;
  /** Express path (`/api/v1/flags/:key`). */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: RouteAuth;
  /** Further security schemes (components.securitySchemes names), each enough alone, e.g. a cookie. */
  alsoAuthenticatedBy?: readonly string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: HeaderDoc[];
  body?: RequestBodyDoc;
  responses: Record<number, ResponseDoc>;
  /** Statuses answered with the shared error body. */
  errors?: number[];
}

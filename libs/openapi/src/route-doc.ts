import type { z } from 'zod';
import type { SecuritySchemeName } from './error-schema';
import type { JsonSchema } from './json-schema';

export type HttpMethod = 'get' | 'head' | 'options' | 'post' | 'put' | 'patch' | 'delete';

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
  /** Longest non-JSON body, in characters (the schema's maxLength). */
  maxLength?: number;
  /** Response headers; each has a schema (a string one with its maxLength). */
  headers?: Record<string, { description: string; schema: JsonSchema; required?: boolean }>;
}

/** One route, declared once: its docs and the schemas that validate it. */
export interface RouteDoc {
  method: HttpMethod;
  /** Express path (`/api/v1/flags/:key`). */
  path: string;
  summary: string;
  /** What the operation does, beyond the summary (every operation has one). */
  description?: string;
  tags: string[];
  auth: RouteAuth;
  /** Behind a rate limiter: every 2xx and 4xx answer documents the RateLimit headers. */
  rateLimited?: boolean;
  /** Other credentials the route takes instead of the bearer token (each one alone is enough). */
  credentials?: SecuritySchemeName[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: HeaderDoc[];
  body?: RequestBodyDoc;
  responses: Record<number, ResponseDoc>;
  /** Statuses answered with the shared error body (400 and 500 are always listed: any request can be malformed, any code can fail). */
  errors?: number[];
}

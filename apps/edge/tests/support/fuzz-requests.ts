import type { ApiDocument } from '@tp/testing';
import { EVIL_SEGMENTS, EVIL_VALUES, type Random } from './fuzz-random';

type Schema = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: Array<Record<string, unknown>>;
}

export interface FuzzRequest {
  /** `GET /api/v1/flags/{key}`: what the counts are grouped by. */
  operation: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Credentials a request may carry: none, a real token of each seeded user, or a broken one. */
export type Credentials = Record<'free' | 'premium' | 'admin', string>;

function resolve(document: ApiDocument, schema: Schema | undefined): Schema {
  const ref = schema?.['$ref'];
  if (typeof ref !== 'string') return schema ?? {};
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], document) as Schema;
}

/** A value that fits `schema` roughly (a pattern is not honoured: many values are refused, which is the point). */
export function sample(document: ApiDocument, raw: Schema | undefined, random: Random, depth = 0): unknown {
  const schema = resolve(document, raw);
  if (Array.isArray(schema['enum'])) return random.pick(schema['enum'] as unknown[]);
  if (schema['const'] !== undefined) return schema['const'];
  const options = (schema['anyOf'] ?? schema['oneOf']) as Schema[] | undefined;
  if (options) return sample(document, random.pick(options), random, depth);
  const type = Array.isArray(schema['type']) ? random.pick(schema['type'] as string[]) : schema['type'];
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries((schema['properties'] ?? {}) as Record<string, Schema>)) {
        if (depth < 4 && random.chance(0.8)) out[name] = sample(document, property, random, depth + 1);
      }
      return out;
    }
    case 'array':
      return depth < 4 ? Array.from({ length: random.int(4) }, () => sample(document, schema['items'] as Schema, random, depth + 1)) : [];
    case 'integer':
      return random.int(200) - 50;
    case 'number':
      return random.next() * 1000;
    case 'boolean':
      return random.chance(0.5);
    case 'null':
      return null;
    case 'string':
      if (schema['format'] === 'uuid') return random.uuid();
      if (schema['format'] === 'date-time') return new Date(Date.UTC(2026, 0, 1 + random.int(365))).toISOString();
      return random.text(1 + random.int(20));
    default:
      return random.text(8);
  }
}

/** Replaces one leaf (or the whole value) with an evil one. */
function mutate(value: unknown, random: Random): unknown {
  if (typeof value !== 'object' || value === null || random.chance(0.2)) return random.pick(EVIL_VALUES);
  const copy: Record<string, unknown> = Array.isArray(value) ? ({ ...value } as Record<string, unknown>) : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0 || random.chance(0.2)) copy[random.pick(['extra', '__proto__', 'constructor', random.text(6)])] = random.pick(EVIL_VALUES);
  else {
    const key = random.pick(keys);
    copy[key] = mutate(copy[key], random);
  }
  return Array.isArray(value) ? Object.values(copy) : copy;
}

/** Percent-encodes; a lone surrogate (no UTF-8 form) becomes its invalid three-byte encoding, which is fuzz too. */
function encode(value: unknown): string {
  try {
    return encodeURIComponent(String(value));
  } catch {
    return '%ED%A0%80';
  }
}

function pathValue(document: ApiDocument, parameter: Parameter, random: Random): string {
  if (random.chance(0.5)) return random.pick(EVIL_SEGMENTS);
  return encode(sample(document, parameter.schema, random));
}

function queryValue(document: ApiDocument, parameter: Parameter, random: Random): string {
  if (random.chance(0.3)) return random.pick(['%zz', '%', 'a%00b', 'x'.repeat(3000), '', '%E0%A4%A']);
  return encode(random.chance(0.3) ? random.pick(EVIL_VALUES) : sample(document, parameter.schema, random));
}

function authorization(random: Random, credentials: Credentials): string | undefined {
  // Mostly real tokens, so most requests get past the edge's authentication to the services.
  const choice = random.int(8);
  if (choice < 1) return undefined;
  if (choice < 6) return `Bearer ${random.pick([credentials.free, credentials.premium, credentials.admin])}`;
  return random.pick(['Bearer', 'Bearer not.a.token', 'Basic YTpi', `Bearer ${'x'.repeat(2000)}`, 'Bearer a.b.c', 'bearer  ']);
}

const CONTENT_TYPES = ['application/json', 'multipart/mixed; boundary=x', 'multipart/form-data', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'];

function multipartBody(random: Random): { type: string; body: Buffer } {
  const boundary = `fuzz${random.text(12)}`;
  const field = random.pick(['file', 'files', 'other', 'file"; filename="../../x', '']);
  const name = random.pick(['a.txt', '../../etc/passwd', '\u202eexe.txt', 'x'.repeat(400), '']);
  const content = random.pick(['hello', '', '\u0000\u0001', 'x'.repeat(2048)]);
  const truncated = random.chance(0.2);
  const text =
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n` +
    (truncated ? '' : `--${boundary}--\r\n`);
  return { type: random.chance(0.8) ? `multipart/form-data; boundary=${boundary}` : random.pick(CONTENT_TYPES), body: Buffer.from(text) };
}

function body(document: ApiDocument, operation: Operation, random: Random): { type?: string; body?: Buffer } {
  const content = operation.requestBody?.content;
  if (!content || random.chance(0.1)) return random.chance(0.5) ? {} : { type: random.pick(CONTENT_TYPES), body: Buffer.from(random.text(30)) };
  if (content['multipart/form-data']) return multipartBody(random);
  const schema = content['application/json']?.schema;
  const choice = random.int(10);
  if (choice === 0) return { type: 'application/json', body: Buffer.from(random.pick(['{"broken": ', '[', '"\\u0000"', 'null', '{"a":"\\ud800"}', '\u0000'])) };
  if (choice === 1) return { type: random.pick(CONTENT_TYPES), body: Buffer.from(JSON.stringify(sample(document, schema, random))) };
  const value = choice < 5 ? sample(document, schema, random) : mutate(sample(document, schema, random), random);
  return { type: 'application/json', body: Buffer.from(JSON.stringify(value) ?? 'null') };
}

function headerValue(random: Random): string {
  return random.pick(['', 'x'.repeat(1000), 'visitor-12345678', '"etag"', '*', 'W/"x"', 'ts=1;h1=abc', 'short', random.text(40)]);
}

/** One request for an operation of the document: its path, query, headers and body, each maybe broken. */
export function fuzzRequest(document: ApiDocument, random: Random, credentials: Credentials): FuzzRequest {
  const operations = Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ template, method, operation: operation as Operation })),
  );
  const { template, method, operation } = random.pick(operations);
  const parameters = operation.parameters ?? [];
  const path = template.replace(/\{([^{}]+)\}/g, (_match, name: string) => {
    const parameter = parameters.find((candidate) => candidate.in === 'path' && candidate.name === name) ?? { name, in: 'path' as const };
    return pathValue(document, parameter, random);
  });
  const query = parameters
    .filter((parameter) => parameter.in === 'query' && random.chance(0.7))
    .map((parameter) => `${parameter.name}=${queryValue(document, parameter, random)}`);
  if (random.chance(0.2)) query.push(`${random.pick(['token', 'unknown', 'anonymousId', 'a[b]', '__proto__'])}=${queryValue(document, { name: 'x', in: 'query' }, random)}`);
  const headers: Record<string, string> = {};
  for (const parameter of parameters.filter((candidate) => candidate.in === 'header' && random.chance(0.6))) headers[parameter.name] = headerValue(random);
  const auth = authorization(random, credentials);
  if (auth) headers['authorization'] = auth;
  if (random.chance(0.2)) headers[random.pick(['x-upload-token', 'paddle-signature', 'if-none-match', 'x-request-id', 'accept'])] = headerValue(random);
  const payload = method === 'get' && random.chance(0.8) ? {} : body(document, operation, random);
  if (payload.type) headers['content-type'] = payload.type;
  return { operation: `${method.toUpperCase()} ${template}`, method: method.toUpperCase(), path: query.length > 0 ? `${path}?${query.join('&')}` : path, headers, body: payload.body };
}

import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ApiDocument } from './api-document';

/** What the validator reads of one answer. */
export interface CheckedReply {
  status: number;
  headers: Headers;
  text: string;
}

interface Operation {
  responses?: Record<string, ResponseObject>;
}
interface ResponseObject {
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, { schema?: unknown; required?: boolean }>;
}

const DOCUMENT_ID = 'openapi-document';

/** JSON Pointer escaping of one path segment. */
const pointer = (...segments: string[]) => segments.map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** `/api/v1/flags/{key}` as a regular expression over a request path (a template segment is one path segment). */
function templateRegExp(template: string): RegExp {
  const segments = template.split('/').map((segment) => (/^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}$`);
}

/** The document's path template for a request path: a concrete path wins over a templated one. */
export function matchPath(document: ApiDocument, path: string): string | undefined {
  const templates = Object.keys(document.paths);
  if (templates.includes(path)) return path;
  return templates.filter((template) => template.includes('{')).find((template) => templateRegExp(template).test(path));
}

/** `application/json; charset=utf-8` against the declared media types (`*\/*` and `text/*` ranges allowed). */
function mediaTypeOf(declared: string[], contentType: string | null): string | undefined {
  const actual = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return declared.find((type) => type === actual || type === '*/*' || (type.endsWith('/*') && actual.startsWith(type.slice(0, -1))));
}

/**
 * Checks answers against the merged OpenAPI document: the route and status are documented,
 * the body has a documented media type and (JSON) matches its schema, and each documented
 * header that is present matches its schema (a required one must be present).
 */
export class ResponseValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: ApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  }

  private validator(ref: string): ValidateFunction {
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}#/${ref}` });
      this.compiled.set(ref, validate);
    }
    return validate;
  }

  private schemaProblems(ref: string, value: unknown, what: string): string[] {
    const validate = this.validator(ref);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => `${what}${error.instancePath} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`);
  }

  /** Every way `reply` departs from the document for `method url` (empty when it conforms). */
  problems(method: string, url: string, reply: CheckedReply): string[] {
    // The path as sent: the services route `%2e%2e` as a segment, `new URL` would resolve it as `..`.
    const path = url.slice(new URL(url).origin.length).split('?')[0] ?? '';
    const template = matchPath(this.document, path);
    const lower = method.toLowerCase();
    const operation = template ? (this.document.paths[template]?.[lower] as Operation | undefined) : undefined;
    if (!template || !operation) {
      // An undocumented route may only be refused, with the shared error body.
      if (reply.status < 400) return [`${method} ${path} is not a documented operation, yet answered ${reply.status}`];
      // A HEAD answer never has a body (RFC 9110 §9.3.2): its refusal is the status alone.
      if (lower === 'head') return reply.text.length > 0 ? [`a HEAD answer has a body`] : [];
      return this.bodyProblems('components/schemas/ErrorBody', reply, 'body');
    }
    const status = String(reply.status);
    const response = operation.responses?.[status] ?? operation.responses?.[`${status[0]}XX`] ?? operation.responses?.['default'];
    if (!response) return [`${method} ${template} answered ${status}, which it does not document (documented: ${Object.keys(operation.responses ?? {}).join(', ')})`];
    const key = operation.responses?.[status] ? status : operation.responses?.[`${status[0]}XX`] ? `${status[0]}XX` : 'default';
    const base = pointer('paths', template, lower, 'responses', key);
    return [...this.headerProblems(base, response, reply), ...this.contentProblems(base, response, reply, lower)];
  }

  private headerProblems(base: string, response: ResponseObject, reply: CheckedReply): string[] {
    const problems: string[] = [];
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = reply.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`header ${name} is required but missing`);
        continue;
      }
      if (header.schema) problems.push(...this.schemaProblems(`${base}/headers/${pointer(name)}/schema`, value, `header ${name}`));
    }
    return problems;
  }

  private contentProblems(base: string, response: ResponseObject, reply: CheckedReply, method: string): string[] {
    const declared = Object.keys(response.content ?? {});
    if (method === 'head' || reply.status === 304 || reply.status === 204) {
      return reply.text.length > 0 ? [`a ${reply.status} answer has a body`] : [];
    }
    if (declared.length === 0) return reply.text.length > 0 ? [`the answer has a body (${reply.headers.get('content-type')}) the document does not declare`] : [];
    const mediaType = mediaTypeOf(declared, reply.headers.get('content-type'));
    if (!mediaType) return [`content type ${reply.headers.get('content-type')} is not one of ${declared.join(', ')}`];
    if (!mediaType.includes('json')) return [];
    return this.bodyProblems(`${base}/content/${pointer(mediaType)}/schema`, reply, 'body');
  }

  private bodyProblems(ref: string, reply: CheckedReply, what: string): string[] {
    let body: unknown;
    try {
      body = JSON.parse(reply.text);
    } catch {
      return [`${what} is not JSON: ${reply.text.slice(0, 200)}`];
    }
    return this.schemaProblems(ref, body, what);
  }
}

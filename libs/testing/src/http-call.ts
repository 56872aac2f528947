import { checkEdgeReply } from './edge-contract';

/** What a test reads from one HTTP answer: the body parsed when it is JSON, and the raw text. */
export interface Reply {
  status: number;
  headers: Headers;
  /** The JSON body, or `{}` when the body is empty or not JSON (assert on `text` then). */
  body: Record<string, unknown>;
  text: string;
}

export interface CallOptions {
  method?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
  /** Serialised as the request body, with `content-type: application/json`. */
  json?: unknown;
  /** A raw body (set its content-type in `headers`); ignored when `json` is given. */
  body?: string;
}

/**
 * One request against a real server (service or edge); never throws on an HTTP status. An
 * answer through an edge the harness started is checked against the OpenAPI document: an
 * undocumented status, field or media type throws.
 */
export async function call(url: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.json === undefined ? options.body : JSON.stringify(options.json),
  });
  const text = await response.text();
  const reply = { status: response.status, headers: response.headers, body: parseObject(text), text };
  await checkEdgeReply(options.method ?? 'GET', url, reply);
  return reply;
}

function parseObject(text: string): Record<string, unknown> {
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

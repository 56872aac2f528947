import { apiDocument } from './api-document';
import { ResponseValidator, type CheckedReply } from './response-validator';

const edges = new Set<string>();
let validator: Promise<ResponseValidator> | undefined;

/** From now on every `call()` answer from this edge is checked against the OpenAPI document. */
export function validateRepliesFrom(edgeUrl: string): void {
  edges.add(new URL(edgeUrl).origin);
}

/** Throws, naming each departure, when an answer through a registered edge is not what the document says. */
export async function checkEdgeReply(method: string, url: string, reply: CheckedReply): Promise<void> {
  // A CORS preflight (OPTIONS) is the cors middleware's browser protocol, not an API operation.
  if (!edges.has(new URL(url).origin) || method.toUpperCase() === 'OPTIONS') return;
  validator ??= apiDocument().then((document) => new ResponseValidator(document));
  const problems = (await validator).problems(method, url, reply);
  if (problems.length > 0) {
    throw new Error(`${method} ${url} → ${reply.status} does not match the OpenAPI document:\n  ${problems.join('\n  ')}\nBody: ${reply.text.slice(0, 500)}`);
  }
}

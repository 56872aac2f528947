import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { checkEdgeReply } from '@tp/testing';

export interface FilePart {
  /** Multipart field: `file` (default) or `files`. */
  field?: string;
  filename: string;
  size: number;
  /** Leading bytes (e.g. a magic number); the rest is a deterministic pattern. */
  head?: Buffer;
}

export interface UploadReply {
  status: number;
  body: Record<string, unknown>;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

const BOUNDARY = '----tp-upload-test-boundary-7d3f';
export const MULTIPART_CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
const CHUNK = 64 * 1024;
// Not all one byte value: compressible-but-varied content, the same in every run.
const PATTERN = Buffer.from(Array.from({ length: CHUNK }, (_, index) => (index * 31 + (index >> 8)) & 0xff));

function partHeader(part: FilePart): Buffer {
  const field = part.field ?? 'file';
  // Raw UTF-8 in the header, as browsers send it.
  return Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${part.filename}"\r\nContent-Type: application/x-test\r\n\r\n`,
    'utf8',
  );
}

const TRAILER = Buffer.from(`--${BOUNDARY}--\r\n`);

export function multipartLength(parts: FilePart[]): number {
  return parts.reduce((sum, part) => sum + partHeader(part).length + part.size + 2, 0) + TRAILER.length;
}

/** The file's bytes and their SHA-256, generated without holding the file in memory. */
function* fileChunks(part: FilePart, hash: ReturnType<typeof createHash>): Generator<Buffer> {
  let sent = 0;
  const head = part.head?.subarray(0, part.size) ?? Buffer.alloc(0);
  if (head.length > 0) {
    hash.update(head);
    yield head;
    sent = head.length;
  }
  while (sent < part.size) {
    const chunk = PATTERN.subarray(0, Math.min(CHUNK, part.size - sent));
    hash.update(chunk);
    yield chunk;
    sent += chunk.length;
  }
}

/** A streamed multipart body; `sha256s` fills in as the body is read. */
export function multipartBody(parts: FilePart[]): { stream: Readable; sha256s: string[] } {
  const sha256s: string[] = [];
  function* generate(): Generator<Buffer> {
    for (const part of parts) {
      yield partHeader(part);
      const hash = createHash('sha256');
      yield* fileChunks(part, hash);
      sha256s.push(hash.digest('hex'));
      yield Buffer.from('\r\n');
    }
    yield TRAILER;
  }
  return { stream: Readable.from(generate(), { objectMode: false }), sha256s };
}

export interface PostOptions {
  token?: string;
  headers?: Record<string, string>;
  /** Send without Content-Length (chunked), so only the streaming limit can stop it. */
  chunked?: boolean;
  /** Destroy the connection after this many body bytes (a client going away). */
  abortAfterBytes?: number;
  /** Connect from this local address: another 127.x.y.z is another client IP to the stack. */
  localAddress?: string;
}

/** The answer as the harness's OpenAPI check reads it (through an edge it started: an undocumented answer fails the test). */
async function checkedAgainstDocument<R extends UploadReply>(url: string, reply: R): Promise<R> {
  if (reply.status === 0) return reply;
  const headers = new Headers();
  for (const [name, value] of Object.entries(reply.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  await checkEdgeReply('POST', url, { status: reply.status, headers, text: reply.text });
  return reply;
}

/** POSTs a multipart body with node:http, streaming it; resolves with the answer (or status 0 if cut). */
export function postMultipart(url: string, parts: FilePart[], options: PostOptions = {}): Promise<UploadReply & { sha256s: string[] }> {
  return sendMultipart(url, parts, options).then((reply) => checkedAgainstDocument(url, reply));
}

function sendMultipart(url: string, parts: FilePart[], options: PostOptions): Promise<UploadReply & { sha256s: string[] }> {
  const { stream, sha256s } = multipartBody(parts);
  const headers: Record<string, string> = { 'content-type': MULTIPART_CONTENT_TYPE, ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (!options.chunked) headers['content-length'] = String(multipartLength(parts));
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers, agent: false, localAddress: options.localAddress });
    let settled = false;
    const finish = (reply: UploadReply) => {
      if (settled) return;
      settled = true;
      stream.destroy();
      resolve({ ...reply, sha256s });
    };
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let body: Record<string, unknown> = {};
        try {
          body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          // not JSON
        }
        finish({ status: res.statusCode ?? 0, body, text, headers: res.headers });
      });
      res.on('error', () => finish({ status: res.statusCode ?? 0, body: {}, text, headers: res.headers }));
    });
    // The server may answer (413) and close before the body is sent: that is not a client failure.
    req.on('error', () => setTimeout(() => finish({ status: 0, body: {}, text: '', headers: {} }), 200));
    let sent = 0;
    stream.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      if (options.abortAfterBytes !== undefined && sent >= options.abortAfterBytes) {
        stream.pause();
        req.destroy();
        finish({ status: 0, body: {}, text: '', headers: {} });
        return;
      }
      if (!req.write(chunk)) {
        stream.pause();
        req.once('drain', () => stream.resume());
      }
    });
    stream.on('end', () => req.end());
  });
}

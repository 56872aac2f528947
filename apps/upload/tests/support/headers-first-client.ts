import { request, type IncomingHttpHeaders } from 'node:http';
import { MULTIPART_CONTENT_TYPE, multipartBody, multipartLength, type FilePart } from './multipart-client';

export interface HeadersFirstAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** Body bytes the client had sent when the answer arrived. */
  sentBeforeAnswer: number;
}

/**
 * Declares the whole multipart body (Content-Length) but sends only its first `sendFirst` bytes
 * (default 1: the edge opens its upstream request with the first body byte, the `-` of the first
 * boundary, so no byte of any file is sent) and then waits for an answer, up to `waitMs`. An answer that arrives proves the server decided
 * without the rest of the body: it cannot have read bytes that were never sent. If no answer comes
 * in time the client sends the rest and reports what then came back.
 */
export async function answerBeforeBody(url: string, parts: FilePart[], options: { token?: string; sendFirst?: number; waitMs?: number } = {}): Promise<HeadersFirstAnswer> {
  const headers: Record<string, string> = { 'content-type': MULTIPART_CONTENT_TYPE, 'content-length': String(multipartLength(parts)) };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const chunks: Buffer[] = [];
  for await (const chunk of multipartBody(parts).stream) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const first = body.subarray(0, options.sendFirst ?? 1);
  const req = request(url, { method: 'POST', headers, agent: false });
  let sent = 0;
  return new Promise((resolve, reject) => {
    req.on('error', (err) => reject(err));
    req.on('response', (res) => {
      clearTimeout(timer);
      const sentBeforeAnswer = sent;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, sentBeforeAnswer });
      });
    });
    if (first.length > 0) req.write(first);
    else req.flushHeaders();
    sent = first.length;
    // No answer without the body: send the rest (the server then did need it; the test sees `sent`).
    const timer = setTimeout(() => {
      sent = body.length;
      req.end(body.subarray(first.length));
    }, options.waitMs ?? 3000);
  });
}

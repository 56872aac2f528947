import { request, type IncomingHttpHeaders } from 'node:http';
import { MULTIPART_CONTENT_TYPE, multipartBody, type FilePart } from './multipart-client';

export interface EarlyAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** Body bytes the client had written when the answer's headers arrived. */
  sentBeforeAnswer: number;
  /** Resolves once the server closed the connection (after the answer). */
  closed: Promise<void>;
}

/**
 * Streams a chunked multipart body as fast as the connection takes it and stops writing as soon
 * as an answer arrives, as curl and browsers do; counts what it had written by then.
 */
export function streamUntilAnswered(url: string, parts: FilePart[], headers: Record<string, string> = {}): Promise<EarlyAnswer> {
  const { stream } = multipartBody(parts);
  const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': MULTIPART_CONTENT_TYPE, ...headers } });
  let sent = 0;
  let answered = false;
  const closed = new Promise<void>((resolve) => req.once('socket', (socket) => socket.once('close', () => resolve())));
  return new Promise((resolve, reject) => {
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.on('response', (res) => {
      answered = true;
      const sentBeforeAnswer = sent;
      stream.destroy();
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as Record<string, unknown>, sentBeforeAnswer, closed }));
      res.on('error', reject);
    });
    stream.on('data', (chunk: Buffer) => {
      if (answered) return;
      sent += chunk.length;
      if (!req.write(chunk)) {
        stream.pause();
        req.once('drain', () => stream.resume());
      }
    });
    stream.on('end', () => req.end());
  });
}

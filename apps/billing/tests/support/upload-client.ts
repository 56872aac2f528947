import { request, type ClientRequest } from 'node:http';

export const MB = 1024 * 1024;
const BOUNDARY = '----tp-entitlement-test-7c1e';
const CHUNK = Buffer.alloc(256 * 1024, 0x61);

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export interface FileSpec {
  field?: 'file' | 'files';
  name: string;
  size: number;
}

const partHeader = (file: FileSpec) =>
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
const TRAILER = Buffer.from(`--${BOUNDARY}--\r\n`);

function lengthOf(files: FileSpec[]): number {
  return files.reduce((sum, file) => sum + partHeader(file).length + file.size + 2, 0) + TRAILER.length;
}

/** Writes `size` bytes with backpressure; resolves false if the request went away. */
async function writeBytes(req: ClientRequest, size: number): Promise<boolean> {
  for (let sent = 0; sent < size; sent += CHUNK.length) {
    if (req.destroyed) return false;
    if (!req.write(CHUNK.subarray(0, Math.min(CHUNK.length, size - sent)))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          req.off('drain', done);
          req.off('close', done);
          resolve();
        };
        req.on('drain', done);
        req.on('close', done);
      });
    }
  }
  return !req.destroyed;
}

function open(url: string, token: string, contentLength?: number): { req: ClientRequest; reply: Promise<Reply> } {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
  };
  if (contentLength !== undefined) headers['content-length'] = String(contentLength);
  const req = request(url, { method: 'POST', headers, agent: false });
  const reply = new Promise<Reply>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
    });
    // An early answer (413) may close the socket while the body is still going out: the answer counts.
    req.on('error', (err) => setTimeout(() => reject(err), 500));
  });
  return { req, reply };
}

/** POSTs a multipart form with these files (deterministic bytes, never held in memory whole). */
export async function uploadFiles(url: string, token: string, files: FileSpec[]): Promise<Reply> {
  const { req, reply } = open(url, token, lengthOf(files));
  void (async () => {
    for (const file of files) {
      req.write(partHeader(file));
      if (!(await writeBytes(req, file.size))) return;
      req.write('\r\n');
    }
    req.end(TRAILER);
  })();
  return reply;
}

/**
 * A chunked upload of one file that stops after `firstBytes` until `finish()` is called: the
 * request has been admitted (its limit decided) and is streaming meanwhile.
 */
export async function startStreamingUpload(url: string, token: string, size: number, firstBytes: number) {
  const file: FileSpec = { name: 'long.bin', size };
  const { req, reply } = open(url, token);
  req.write(partHeader(file));
  await writeBytes(req, firstBytes);
  return {
    finish: async (): Promise<Reply> => {
      await writeBytes(req, size - firstBytes);
      req.end(Buffer.concat([Buffer.from('\r\n'), TRAILER]));
      return reply;
    },
  };
}

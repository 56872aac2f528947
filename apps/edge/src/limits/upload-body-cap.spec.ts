import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger } from '@tp/logging';
import { createServiceProxy } from '../proxy/create-service-proxy';
import { countUploadBody } from './upload-body-cap';

const KB = 1024;
const CAP = 256 * KB;

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** Sends `total` bytes chunked (16 KiB a write, each after the previous drained) and resolves with the status and bytes written. */
function sendChunked(url: string, total: number): Promise<{ status: number; sent: number }> {
  return new Promise((resolve) => {
    let sent = 0;
    let status = 0;
    const req = request(`${url}/api/v1/upload/anonymous`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on('end', () => resolve({ status, sent }));
    });
    req.on('error', () => resolve({ status, sent }));
    const write = () => {
      while (sent < total) {
        sent += 16 * KB;
        if (!req.write(Buffer.alloc(16 * KB, 0x61))) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

describe('countUploadBody (a real proxy in front of a real upstream)', () => {
  let upstreamUrl: string;
  let edgeUrl: string;
  let received = 0;
  const servers: Server[] = [];

  beforeAll(async () => {
    const upstream = createServer((req, res) => {
      req.on('data', (chunk: Buffer) => (received += chunk.length));
      req.on('end', () => res.end('{}'));
    });
    upstreamUrl = await listen(upstream);
    const proxy = createServiceProxy({
      service: 'upload',
      target: upstreamUrl,
      upstreamTimeoutMs: 5000,
      maxSockets: 4,
      logger: createLogger({ service: 'edge', level: 'silent' }),
      onStream: countUploadBody(CAP),
    });
    const edge = createServer(express().use(proxy));
    edgeUrl = await listen(edge);
    servers.push(upstream, edge);
  });
  afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve) && server.closeAllConnections()))));

  it('forwards a chunked body within the cap whole', async () => {
    received = 0;
    const reply = await sendChunked(edgeUrl, CAP - 16 * KB);
    expect(reply.status).toBe(200);
    expect(received).toBe(CAP - 16 * KB);
  });

  it('cuts a chunked body past the cap with 413 and forwards no more than the cap (plus what was in flight)', async () => {
    received = 0;
    const reply = await sendChunked(edgeUrl, 64 * CAP);
    expect(reply.status).toBe(413);
    expect(received).toBeLessThan(CAP + 128 * KB);
  });
});

import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { requestDeadlines } from './request-deadlines';

const LIMITS = { requestTimeoutMs: 5000, bodyTimeoutMs: 5000, uploadIdleTimeoutMs: 5000 };

/** The 'close' listeners on the server side of each request's connection, as the app saw them. */
async function closeListenersPerRequest(streaming: boolean, requests: number): Promise<number[]> {
  const seen: number[] = [];
  const app = express();
  app.use(requestDeadlines(LIMITS, () => streaming));
  app.post('/upload', (req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(req.socket.listenerCount('close'));
      res.json({ ok: true });
    });
  });
  const server: Server = await new Promise((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let index = 0; index < requests; index++) {
      await new Promise<void>((resolve, reject) => {
        const req = request(
          { port: (server.address() as AddressInfo).port, host: '127.0.0.1', method: 'POST', path: '/upload', agent, headers: { 'content-length': '5' } },
          (res) => res.resume().on('end', resolve),
        );
        req.on('error', reject);
        req.end('hello');
      });
    }
  } finally {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
  return seen;
}

describe('requestDeadlines', () => {
  // A listener on the connection lives as long as the connection: one per request on a
  // keep-alive socket kept every upload's request and response alive (the soak's edge heap).
  it('adds no lasting listener to a keep-alive connection per upload', async () => {
    const counts = await closeListenersPerRequest(true, 20);
    expect(counts).toHaveLength(20);
    expect(counts[19]).toBe(counts[0]);
  });

  it('adds no lasting listener to a keep-alive connection per short request', async () => {
    const counts = await closeListenersPerRequest(false, 20);
    expect(counts[19]).toBe(counts[0]);
  });
});

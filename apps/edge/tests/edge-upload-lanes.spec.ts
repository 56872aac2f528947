import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { largestUploadRequestBytes } from '@tp/tiers';
import { startTestIdentityProvider } from '@tp/testing';
import { closeAll, startEdge, type RunningEdge } from './support/edge-stack';
import { singleUpstreamEnv } from './support/single-upstream-env';
import { slowRequest, type SlowOutcome } from './support/slow-client';

/** An upload service stand-in: notes each request as it arrives, answers 200 once its body ended. */
async function startRecordingUpstream(): Promise<{ url: string; arrived: string[]; close: () => Promise<void> }> {
  const arrived: string[] = [];
  const server: Server = createServer((req, res) => {
    arrived.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrived,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let idp: DevIdentityProvider;
let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
let edge: RunningEdge;

beforeAll(async () => {
  [idp, upstream] = await Promise.all([startTestIdentityProvider(), startRecordingUpstream()]);
  // Two sockets per pool, a short wait for one: what 300 trickling uploads do to 256 sockets, in small.
  edge = await startEdge(singleUpstreamEnv(idp, upstream.url, { UPSTREAM_MAX_SOCKETS: '2', UPSTREAM_QUEUE_TIMEOUT_MS: '300', RATE_LIMIT_MAX: '1000' }));
});

afterAll(async () => {
  await closeAll(edge);
  await Promise.all([upstream?.close(), idp?.stop()]);
});

const trickledUpload = (head: string, maxMs: number): Promise<SlowOutcome> =>
  slowRequest({ url: edge.url, head, bodyBytes: 1000, intervalMs: 200, maxMs });

describe('edge: upload lanes and the upload body cap', () => {
  it('answers status reads of the upload service while trickling uploads hold every upload socket', async () => {
    const head = 'POST /api/v1/upload/anonymous HTTP/1.1\r\nHost: edge\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000';
    const uploads = Array.from({ length: 4 }, () => trickledUpload(head, 3000));
    await new Promise((resolve) => setTimeout(resolve, 500));

    // The upstream is a recording stub, not the upload service: its answer is not the document's, so only the status is read.
    const read = async () => (await fetch(`${edge.url}/api/v1/upload/anonymous/abc`, { headers: { 'x-upload-token': 't' } })).status;
    const reads = await Promise.all(Array.from({ length: 3 }, read));

    expect(reads).toEqual([200, 200, 200]);
    // The uploads did fill their own pool: two reached the service; the two past it waited their
    // 300 ms for a socket and got 503, though no socket ever came free.
    expect(upstream.arrived.filter((line) => line.startsWith('POST')).length).toBe(2);
    const outcomes = await Promise.all(uploads);
    const refused = outcomes.filter((outcome) => outcome.status === 503);
    expect(refused.length).toBe(2);
    expect(refused.every((outcome) => outcome.elapsedMs < 2000)).toBe(true);
  });

  it('refuses an upload whose Content-Length passes the largest request any tier may send, before the service sees it', async () => {
    const before = upstream.arrived.length;
    const declared = largestUploadRequestBytes() + 1;
    const head = `POST /api/v1/upload/anonymous HTTP/1.1\r\nHost: edge\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: ${declared}`;

    const outcome = await trickledUpload(head, 3000);

    expect(outcome.status).toBe(413);
    expect(outcome.body).toMatchObject({ error: 'payload_too_large', requestId: expect.any(String) });
    expect(upstream.arrived.length).toBe(before);
  });
});

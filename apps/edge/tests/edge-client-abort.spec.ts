import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { startService, type StartedService } from '@tp/http';
import { parseExposition, sampleValue } from '@tp/metrics';
import { captureLogs, eventually, openRequest, startTestIdentityProvider, type LogCapture } from '@tp/testing';
import type { EdgeConfig } from '../src/config';
import { edgeService } from '../src/service';
import { singleUpstreamEnv } from './support/single-upstream-env';

let idp: DevIdentityProvider;
let upstream: Server;
let edge: StartedService<EdgeConfig>;
let logs: LogCapture;
// The API calls the slow upstream holds (it never answers them), by request id.
const held = new Map<string, IncomingMessage>();

beforeAll(async () => {
  upstream = createServer((req, res) => {
    // The edge's health checks (run on each metrics scrape) get a quick answer.
    if (req.url?.startsWith('/health')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    else held.set(String(req.headers['x-request-id']), req);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  idp = await startTestIdentityProvider();
  logs = captureLogs('edge');
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  edge = await startService(edgeService, singleUpstreamEnv(idp, upstreamUrl, { SHUTDOWN_TIMEOUT_MS: '2000' }), { logger: logs.logger });
});

afterAll(async () => {
  await edge?.close();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
  await idp?.stop();
});

describe('edge: a client that gives up on a slow upstream', () => {
  it('logs one "Request aborted" line with 499, counts it under 499 (not 5xx) and drops the upstream call', async () => {
    const requestId = 'edge-client-abort-1';
    const client = openRequest(edge.url, `GET /api/v1/flags HTTP/1.1\r\nHost: edge\r\nX-Request-Id: ${requestId}\r\n\r\n`);
    await eventually(() => held.has(requestId));
    const upstreamClosed = new Promise((resolve) => held.get(requestId)!.once('close', resolve));
    await client.cut();
    const lines = () => logs.lines().filter((line) => line['requestId'] === requestId && String(line['msg']).startsWith('Request '));
    await eventually(() => lines().length > 0);
    await upstreamClosed;
    expect(lines()).toEqual([expect.objectContaining({ level: 'info', msg: 'Request aborted', statusCode: 499, aborted: true, url: '/api/v1/flags' })]);
    const samples = parseExposition(await (await fetch(`http://127.0.0.1:${edge.metricsPort}/metrics`)).text());
    expect(sampleValue(samples, 'http_requests_total', { service: 'edge', method: 'GET', status: '499' })).toBe(1);
    const statuses = samples.filter((sample) => sample.name === 'http_requests_total').map((sample) => sample.labels['status']);
    expect(statuses).toEqual(['499']);
  });
});

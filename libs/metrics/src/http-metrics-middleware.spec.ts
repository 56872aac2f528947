import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Router } from 'express';
import { eventually, openRequest } from '@tp/testing';
import { httpMetricsMiddleware } from './http-metrics-middleware';
import { parseExposition, sampleValue } from './parse-exposition';
import { createServiceMetrics, type ServiceMetrics } from './service-metrics';
import { startMetricsServer, type MetricsServer } from './start-metrics-server';

let metrics: ServiceMetrics;
let server: Server;
let metricsServer: MetricsServer;
let base: string;
// Requests a route holds open: the client may leave once its handler runs.
let held = 0;

beforeAll(async () => {
  metrics = createServiceMetrics('test-service');
  const app = express();
  app.use(httpMetricsMiddleware(metrics));
  app.get('/items/:id', (req, res) => {
    res.status(req.params['id'] === 'missing' ? 404 : 200).json({ id: req.params['id'] });
  });
  app.get('/held/:id', () => {
    held += 1;
  });
  app.get('/streaming/:id', (_req, res) => {
    res.writeHead(202, { 'content-type': 'text/plain' });
    res.write('first part');
  });
  const nested = Router();
  nested.get('/things/:thingId', (_req, res) => {
    res.json({});
  });
  app.use('/api', nested);
  // A prefix mount (like the edge's proxy) names its own label.
  app.use('/proxy', (_req, res) => {
    res.locals.routeLabel = '/proxy/*';
    res.status(502).json({});
  });
  app.use((_req, res) => {
    res.status(404).json({});
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  metricsServer = await startMetricsServer(metrics.registry, 0, '127.0.0.1');
});

afterAll(async () => {
  await metricsServer?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

const scrape = async () => parseExposition(await (await fetch(`http://127.0.0.1:${metricsServer.port}/metrics`)).text());

describe('httpMetricsMiddleware', () => {
  beforeAll(async () => {
    for (const path of ['/items/1', '/items/2', '/items/missing', '/api/things/42', '/proxy/a/b/c', '/nowhere/7']) {
      await (await fetch(`${base}${path}`)).text();
    }
  });

  it('counts each request under its route template, never the raw path', async () => {
    const samples = await scrape();
    const count = (route: string, status: string) =>
      sampleValue(samples, 'http_requests_total', { method: 'GET', route, status, service: 'test-service' });
    expect(count('/items/:id', '200')).toBe(2);
    expect(count('/items/:id', '404')).toBe(1);
    expect(count('/api/things/:thingId', '200')).toBe(1);
    expect(count('/proxy/*', '502')).toBe(1);
    expect(count('unmatched', '404')).toBe(1);
    expect(sampleValue(samples, 'http_requests_total')).toBe(6);
    const routes = samples.filter((sample) => sample.name === 'http_requests_total').map((sample) => sample.labels['route']);
    expect(routes.some((route) => /\/(?:[127]|42|missing)\b/.test(route ?? ''))).toBe(false);
  });

  it('times every request and counts only status >= 400 as errors', async () => {
    const samples = await scrape();
    expect(sampleValue(samples, 'http_request_duration_seconds_count')).toBe(6);
    expect(sampleValue(samples, 'http_request_duration_seconds_count', { route: '/items/:id', status: '200' })).toBe(2);
    expect(sampleValue(samples, 'http_request_duration_seconds_bucket', { route: '/items/:id', status: '200', le: '+Inf' })).toBe(2);
    // The latency SLO's threshold is a bucket bound, so its burn rate is exact, not interpolated.
    expect(sampleValue(samples, 'http_request_duration_seconds_bucket', { route: '/items/:id', status: '200', le: '0.3' })).toBe(2);
    expect(sampleValue(samples, 'http_errors_total')).toBe(3);
    expect(sampleValue(samples, 'http_errors_total', { route: '/items/:id', status: '200' })).toBe(0);
  });

  it('serves default process metrics and 404s any other path on the metrics port', async () => {
    expect(sampleValue(await scrape(), 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${metricsServer.port}/`)).status).toBe(404);
  });
});

describe('httpMetricsMiddleware: a client that goes away before the response ends', () => {
  const rawGet = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
  const count = async (name: string, labels: Record<string, string>) => sampleValue(await scrape(), name, labels);

  beforeAll(async () => {
    const beforeHead = openRequest(base, rawGet('/held/1'));
    await eventually(() => held === 1);
    await beforeHead.cut();
    const midBody = openRequest(base, rawGet('/streaming/1'));
    expect(await midBody.firstBytes).toMatch(/^HTTP\/1\.1 202 /);
    await midBody.cut();
    await eventually(async () => (await count('http_requests_total', { route: '/streaming/:id' })) === 1);
    await eventually(async () => (await count('http_requests_total', { route: '/held/:id' })) === 1);
  });

  it('counts a request cut before any header under status 499, never 200, and not as a 5xx', async () => {
    expect(await count('http_requests_total', { method: 'GET', route: '/held/:id', status: '499' })).toBe(1);
    // Its only series: no 200 (Express's unsent default) and no 5xx beside it.
    expect(await count('http_requests_total', { route: '/held/:id' })).toBe(1);
    expect(await count('http_request_duration_seconds_count', { route: '/held/:id', status: '499' })).toBe(1);
    // A 4xx like any other: in http_errors_total (status >= 400), outside the 5xx SLO.
    expect(await count('http_errors_total', { route: '/held/:id', status: '499' })).toBe(1);
  });

  it('counts a request cut mid-body under the status it sent', async () => {
    expect(await count('http_requests_total', { method: 'GET', route: '/streaming/:id', status: '202' })).toBe(1);
    expect(await count('http_requests_total', { route: '/streaming/:id' })).toBe(1);
  });
});

describe('parseExposition', () => {
  it('reads labels with escaped quotes and special values', () => {
    const samples = parseExposition('# HELP x y\nx{a="say \\"hi\\"",b="c"} 3\ny 1.5e+2\nz{le="+Inf"} +Inf\n');
    expect(samples).toEqual([
      { name: 'x', labels: { a: 'say "hi"', b: 'c' }, value: 3 },
      { name: 'y', labels: {}, value: 150 },
      { name: 'z', labels: { le: '+Inf' }, value: Infinity },
    ]);
  });
});

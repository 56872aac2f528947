import { randomBytes } from 'node:crypto';
import {
  call,
  eventually,
  keycloakEnvFor,
  startOtlpReceiver,
  startServiceProcess,
  startTestStack,
  type OtlpReceiver,
  type ReceivedSpan,
  type ServiceProcess,
  type TestStack,
} from '@tp/testing';

const SERVER = 2;
const BOUNDARY = '----tp-tracing-boundary';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

function multipart(filename: string): Buffer {
  const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), PNG, Buffer.alloc(2000), Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]);
}

const otelEnv = (receiver: OtlpReceiver) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100' });

// Real processes (the preload bundle via the manifest's Node flags) exporting OTLP/HTTP JSON to a
// receiver on a free port: edge, user, upload and the upload worker.
describe('tracing: one trace per request, from the edge to Postgres and the worker', () => {
  let receiver: OtlpReceiver;
  let stack: TestStack<'user' | 'upload'>;
  let worker: ServiceProcess;
  let token: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const otel = otelEnv(receiver);
    stack = await startTestStack({ services: ['user', 'upload'], env: otel, edge: otel });
    worker = await startServiceProcess('upload-worker', {
      ...otel,
      DATABASE_URL: stack.db.url,
      REDIS_URL: stack.redisUrl,
      ...keycloakEnvFor(stack.idp),
      S3_ENDPOINT: stack.s3!.endpoint,
      S3_BUCKET: `uploads-${stack.unique}`,
      UPLOAD_QUEUE_NAME: `upload-test-${stack.unique}`,
      UPLOAD_QUEUE_PREFIX: `bull-test-${stack.unique}`,
    });
    stack.onStop(() => worker.stop());
    token = await stack.tokenFor('premium@example.com');
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  const traceOf = (traceId: string) => receiver.spans().filter((span) => span.traceId === traceId);
  const edgeServerSpan = (requestId: string) =>
    receiver.spans().find((span) => span.service === 'edge' && span.kind === SERVER && span.attributes['request.id'] === requestId);

  it('gives a profile request one trace: edge root, user server span, Postgres spans; a client traceparent is only a link', async () => {
    const clientTrace = randomBytes(16).toString('hex');
    const clientSpan = randomBytes(8).toString('hex');
    const reply = await call(`${stack.edge!.url}/api/v1/user/profile`, { token, headers: { traceparent: `00-${clientTrace}-${clientSpan}-01` } });
    expect(reply.status).toBe(200);
    const requestId = reply.headers.get('x-request-id')!;

    let root: ReceivedSpan | undefined;
    await eventually(async () => {
      root = edgeServerSpan(requestId);
      return Boolean(root) && traceOf(root!.traceId).some((span) => span.service === 'user' && span.attributes['db.system.name'] === 'postgresql');
    });
    expect(root!.traceId).not.toBe(clientTrace);
    expect(root!.parentSpanId).toBe('');
    expect(root!.links).toEqual([{ traceId: clientTrace, spanId: clientSpan }]);
    const trace = traceOf(root!.traceId);
    const userServer = trace.find((span) => span.service === 'user' && span.kind === SERVER);
    expect(userServer).toMatchObject({ attributes: expect.objectContaining({ 'request.id': requestId }) });
    expect(trace.filter((span) => span.traceId === clientTrace)).toEqual([]);
    // The request's log lines, in both processes, carry its trace id.
    expect(stack.edge!.output()).toContain(`"trace_id":"${root!.traceId}"`);
    expect(stack.user.output()).toContain(`"trace_id":"${root!.traceId}"`);
  });

  it('continues an upload request through the BullMQ job into the worker processing it', async () => {
    const body = multipart('traced.png');
    const response = await fetch(`${stack.edge!.url}/api/v1/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': String(body.length) },
      body,
    });
    expect(response.status).toBe(201);
    const requestId = response.headers.get('x-request-id')!;

    await eventually(async () => {
      const root = edgeServerSpan(requestId);
      return Boolean(root) && traceOf(root!.traceId).some((span) => span.service === 'upload-worker' && span.name.startsWith('process'));
    });
    const trace = traceOf(edgeServerSpan(requestId)!.traceId);
    expect(new Set(trace.map((span) => span.service))).toEqual(new Set(['edge', 'upload', 'upload-worker']));
    expect(trace.some((span) => span.service === 'upload' && span.name.startsWith('add'))).toBe(true);
  });

  it('tags a 4xx span with its error code and exports no token, even one sent in the query', async () => {
    const reply = await call(`${stack.edge!.url}/api/v1/user/profile?access_token=${token}&code=secret-code-123`, { token: `${token}x` });
    expect(reply.status).toBe(401);
    const requestId = reply.headers.get('x-request-id')!;

    await eventually(async () => Boolean(edgeServerSpan(requestId)));
    expect(edgeServerSpan(requestId)!.attributes).toMatchObject({ 'error.code': reply.body['error'], 'http.response.status_code': 401 });
    const exported = receiver.rawBodies().join('\n');
    expect(exported).not.toContain(token.split('.')[1]!);
    expect(exported).not.toContain('secret-code-123');
  });

  it("tags the edge's span of an error relayed from a service with that service's error code", async () => {
    const reply = await call(`${stack.edge!.url}/api/v1/user/no-such-route`, { token });
    expect(reply.status).toBe(404);
    const requestId = reply.headers.get('x-request-id')!;

    await eventually(async () => Boolean(edgeServerSpan(requestId)));
    expect(reply.body['error']).toBe('not_found');
    expect(edgeServerSpan(requestId)!.attributes).toMatchObject({ 'error.code': 'not_found', 'http.response.status_code': 404 });
  });

  it('leaves an unsampled request untraced down the chain, even with a sampled client traceparent', async () => {
    const edge = await startServiceProcess('edge', stack.edgeEnv({ ...otelEnv(receiver), OTEL_TRACES_SAMPLER: 'always_off' }));
    stack.onStop(() => edge.stop());
    const clientTrace = randomBytes(16).toString('hex');
    const untraced = await call(`${edge.url}/api/v1/user/profile`, { token, headers: { traceparent: `00-${clientTrace}-${randomBytes(8).toString('hex')}-01` } });
    expect(untraced.status).toBe(200);
    const untracedId = untraced.headers.get('x-request-id')!;

    // A traced request after it: once the user service exported that one, it would have exported the first.
    const traced = await call(`${stack.edge!.url}/api/v1/user/profile`, { token });
    const tracedId = traced.headers.get('x-request-id')!;
    await eventually(async () => receiver.spans().some((span) => span.service === 'user' && span.attributes['request.id'] === tracedId));
    expect(receiver.spans().filter((span) => span.attributes['request.id'] === untracedId || span.traceId === clientTrace)).toEqual([]);
    expect(edge.output()).not.toContain('"trace_id"');
  });

  it('exports the spans of the last request before SIGTERM: the SDK is flushed on the graceful shutdown', async () => {
    // A batch delay far past the test: only the shutdown's flush can export the span in time.
    const edge = await startServiceProcess('edge', stack.edgeEnv({ ...otelEnv(receiver), OTEL_BSP_SCHEDULE_DELAY: '600000' }));
    const reply = await call(`${edge.url}/api/v1/user/profile`, { token });
    expect(reply.status).toBe(200);
    const requestId = reply.headers.get('x-request-id')!;
    expect(edgeServerSpan(requestId)).toBeUndefined();

    expect(await edge.stop()).toBe(0);
    expect(edgeServerSpan(requestId)).toMatchObject({ service: 'edge', kind: SERVER });
  });
});

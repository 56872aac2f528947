import SwaggerParser from '@apidevtools/swagger-parser';
import { documentedRoutes, mountedRoutes } from '@tp/openapi';
import { freePort, call } from '@tp/testing';
import { startDocsEdge, startDocsStack, type DocsEdge, type DocsStack } from './support/docs-edge';
import type { Backends } from './support/edge-stack';

let docs: DocsStack | undefined;
let stack: Backends;
let edge: DocsEdge;
let adminToken: string;
let freeToken: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON, read by path in assertions
type Document = { paths: Record<string, Record<string, any>>; components: Record<string, any>; 'x-unavailable'?: unknown };

beforeAll(async () => {
  docs = await startDocsStack();
  ({ stack, edge, adminToken, freeToken } = docs);
});

afterAll(() => docs?.stop());

async function adminDocument(): Promise<Document> {
  const reply = await call(`${edge.url}/docs/openapi.json`, { token: adminToken });
  expect(reply.status).toBe(200);
  return reply.body as unknown as Document;
}

describe('GET /docs access (SWAGGER_ADMIN_ONLY=true, the default)', () => {
  it.each(['/docs', '/docs/openapi.json', '/docs/swagger-ui-bundle.js'])('answers 401 on %s without a token', async (path) => {
    const reply = await call(`${edge.url}${path}`);
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ error: 'unauthorized', message: 'Missing bearer token', requestId: expect.any(String) });
  });

  it('answers 403 for a non-admin token, in the header or the query', async () => {
    expect((await call(`${edge.url}/docs/openapi.json`, { token: freeToken })).status).toBe(403);
    const reply = await call(`${edge.url}/docs?token=${freeToken}`);
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ error: 'forbidden' });
  });

  it('answers 401 for a forged token in the query', async () => {
    expect((await call(`${edge.url}/docs/openapi.json?token=not.a.token`)).status).toBe(401);
  });

  it('serves the document to an admin bearer token', async () => {
    const document = await adminDocument();
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'ToolsPlatform API' } });
  });

  it('serves the Swagger UI page to an admin bearer token, loading everything from this host without a token', async () => {
    const page = await call(`${edge.url}/docs`, { token: adminToken });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('src="/docs/swagger-initializer.js"');
    expect(page.text).not.toContain('token');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');

    const init = await call(`${edge.url}/docs/swagger-initializer.js`, { token: adminToken });
    expect(init.status).toBe(200);
    expect(init.text).toContain("url: '/docs/openapi.json'");
    expect(init.text).not.toContain('token');
  });

  it('serves the Swagger UI assets from the installed swagger-ui-dist', async () => {
    const bundle = await fetch(`${edge.url}/docs/swagger-ui-bundle.js`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect(await bundle.text()).toContain('SwaggerUIBundle');
    expect((await call(`${edge.url}/docs/swagger-ui.css`, { token: adminToken })).status).toBe(200);
  });

  it('keeps the query token out of the request log', async () => {
    const reply = await fetch(`${edge.url}/docs/openapi.json?token=${adminToken}`, { headers: { 'x-request-id': 'docs-log-check-1' }, redirect: 'manual' });
    expect(reply.status).toBe(303);
    const line = edge.logs.lines().find((entry) => entry['requestId'] === 'docs-log-check-1' && entry['msg'] === 'Request completed');
    expect(line).toMatchObject({ statusCode: 303, url: expect.stringContaining('token=[REDACTED]') });
    expect(edge.logs.raw()).not.toContain(adminToken);
  });
});

describe('GET /docs/openapi.json document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const document = await adminDocument();
    expect(document['x-unavailable']).toBeUndefined();
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it.each(['user', 'flags', 'billing', 'upload'] as const)('documents every route the %s service mounts', async (service) => {
    const fragment = (await (await fetch(`${stack[service].url}/openapi.json`)).json()) as Document & { 'x-mounted-routes': string[] };
    const internal = /^GET \/(?:health(?:\/.*)?|openapi\.json)$/;
    const mounted = fragment['x-mounted-routes'].filter((route) => !internal.test(route));
    expect(mounted.length).toBeGreaterThan(0);
    expect(mounted.filter((route) => !documentedRoutes(fragment).includes(route))).toEqual([]);
    const published = documentedRoutes(await adminDocument());
    expect(mounted.filter((route) => !published.includes(route))).toEqual([]);
  });

  it("documents every route the edge itself mounts", async () => {
    const published = documentedRoutes(await adminDocument());
    const edgeRoutes = mountedRoutes(edge.app);
    expect(edgeRoutes).toEqual(expect.arrayContaining(['GET /docs', 'GET /docs/openapi.json', 'GET /health']));
    expect(edgeRoutes.filter((route) => !published.includes(route))).toEqual([]);
  });

  it('declares bearer JWT security and the shared error body', async () => {
    const document = await adminDocument();
    expect(document.components['securitySchemes']).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      docsQueryToken: expect.objectContaining({ type: 'apiKey', in: 'query', name: 'token' }),
      docsCookie: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: '__Secure-tp-docs-token' }),
      uploadToken: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Upload-Token' }),
      paddleSignature: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'Paddle-Signature' }),
    });
    expect(document.paths['/docs']!['get'].security).toEqual([{ bearerAuth: [] }, { docsQueryToken: [] }, { docsCookie: [] }]);
    expect(document.components['schemas']['ErrorBody']).toMatchObject({
      required: ['error', 'message', 'requestId'],
      properties: { upgradeUrl: { type: 'string' } },
    });
    const profile = document.paths['/api/v1/user/profile']!['get'];
    expect(profile.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(profile.responses)).toEqual(expect.arrayContaining(['200', '401', '429', '503']));
    expect(profile.responses['429'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorBody' });
  });

  it('documents uploads as multipart bodies with binary file fields and their 413', async () => {
    const upload = (await adminDocument()).paths['/api/v1/upload']!['post'];
    const form = upload.requestBody.content['multipart/form-data'].schema;
    expect(form.properties.file).toMatchObject({ type: 'string', contentMediaType: 'application/octet-stream' });
    expect(form.properties.files).toMatchObject({ type: 'array', items: { type: 'string', contentMediaType: 'application/octet-stream' } });
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(['201', '403', '413']));
  });

  it('documents the Paddle webhook with its Paddle-Signature header and no bearer token', async () => {
    const webhook = (await adminDocument()).paths['/api/v1/webhooks/paddle']!['post'];
    expect(webhook.security).toEqual([{ paddleSignature: [] }]);
    expect((await adminDocument()).components['securitySchemes']['paddleSignature']).toMatchObject({ type: 'apiKey', in: 'header', name: 'Paddle-Signature' });
    expect(webhook.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['event_id', 'event_type']));
    expect(webhook.responses['429']).toBeUndefined();
  });

  it('documents flag validation with the same schema that rejects a bad body', async () => {
    const create = (await adminDocument()).paths['/api/v1/flags']!['post'];
    expect(create.requestBody.content['application/json'].schema.properties.rolloutPercentage).toMatchObject({ minimum: 0, maximum: 100 });
    const reply = await fetch(`${edge.url}/api/v1/flags`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'docs-check', rolloutPercentage: 101 }),
    });
    expect(reply.status).toBe(400);
    expect(((await reply.json()) as { message: string }).message).toMatch(/^rolloutPercentage: /);
  });
});

describe('GET /docs/openapi.json with a service down', () => {
  it('still answers 200 without that service, listing it under x-unavailable', async () => {
    const partial = await startDocsEdge(stack.edgeEnv({ BILLING_SERVICE_URL: `http://127.0.0.1:${await freePort()}` }));
    try {
      const reply = await call(`${partial.url}/docs/openapi.json`, { token: adminToken });
      expect(reply.status).toBe(200);
      const document = reply.body as unknown as Document;
      expect(document['x-unavailable']).toEqual([{ service: 'billing', reason: 'unreachable' }]);
      expect(document.paths['/api/v1/webhooks/paddle']).toBeUndefined();
      expect(document.paths['/api/v1/user/profile']).toBeDefined();
      await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
    } finally {
      await partial.close();
    }
  });
});

describe('docs settings', () => {
  it('answers 404 for /docs and /docs/openapi.json when SWAGGER_ENABLED=false', async () => {
    const disabled = await startDocsEdge(stack.edgeEnv({ SWAGGER_ENABLED: 'false' }));
    try {
      for (const path of ['/docs', '/docs/openapi.json']) {
        const reply = await call(`${disabled.url}${path}`, { token: adminToken });
        expect(reply.status).toBe(404);
        expect(reply.body).toMatchObject({ error: 'not_found' });
      }
    } finally {
      await disabled.close();
    }
  });

  it('serves the docs without a token when SWAGGER_ADMIN_ONLY=false', async () => {
    const open = await startDocsEdge(stack.edgeEnv({ SWAGGER_ADMIN_ONLY: 'false' }));
    try {
      expect((await call(`${open.url}/docs/openapi.json`)).status).toBe(200);
      expect((await call(`${open.url}/docs`)).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

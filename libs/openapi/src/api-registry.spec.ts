import express, { Router } from 'express';
import { z } from 'zod';
import { ApiRegistry, documentedRoutes, multipartFiles } from './api-registry';
import { mountedRoutes } from './mounted-routes';

const itemSchema = z.object({ key: z.string().regex(/^[a-z]+$/), count: z.number().int().min(0).default(1) }).strict();

function registryWithItems(): { api: ApiRegistry; router: Router } {
  const api = new ApiRegistry();
  const router = Router();
  api.mount(
    router,
    {
      method: 'post',
      path: '/api/v1/items/:id',
      summary: 'Create an item',
      tags: ['items'],
      auth: 'required',
      params: z.object({ id: z.string() }),
      query: z.object({ dryRun: z.enum(['true', 'false']).optional().describe('Only validate') }),
      body: { json: itemSchema },
      responses: { 201: { description: 'Created', json: itemSchema } },
      errors: [400, 409],
    },
    (_req, res) => void res.status(201).end(),
  );
  api.mount(
    router,
    {
      method: 'put',
      path: '/api/v1/items/:id/file',
      summary: 'Upload',
      tags: ['items'],
      auth: 'none',
      body: { multipart: multipartFiles({ files: { description: 'Files', maxBytes: 1024, maxFiles: 3 } }) },
      responses: { 204: { description: 'Stored' } },
    },
    (_req, res) => void res.status(204).end(),
  );
  return { api, router };
}

describe('ApiRegistry.fragment', () => {
  const { api } = registryWithItems();
  const fragment = api.fragment();
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON, read by path in assertions
  const create = fragment.paths['/api/v1/items/{id}']?.['post'] as Record<string, any>;

  it('turns Express path parameters into OpenAPI templates with a required path parameter', () => {
    expect(Object.keys(fragment.paths)).toEqual(['/api/v1/items/{id}', '/api/v1/items/{id}/file']);
    expect(create['parameters']).toContainEqual({ name: 'id', in: 'path', required: true, schema: { type: 'string' } });
  });

  it('documents query parameters from the query schema, with descriptions and optionality', () => {
    expect(create['parameters']).toContainEqual({
      name: 'dryRun',
      in: 'query',
      required: false,
      description: 'Only validate',
      schema: { type: 'string', enum: ['true', 'false'] },
    });
  });

  it('describes a JSON body as the input the schema accepts (a defaulted field is optional)', () => {
    const schema = create['requestBody'].content['application/json'].schema;
    expect(schema).toMatchObject({ type: 'object', required: ['key'], additionalProperties: false });
    expect(schema.properties.key).toEqual({ type: 'string', pattern: '^[a-z]+$' });
    expect(schema).not.toHaveProperty('$schema');
  });

  it('describes a response as the schema output (a defaulted field is always present)', () => {
    expect(create['responses']['201'].content['application/json'].schema.required).toEqual(['key', 'count']);
  });

  it('adds bearer security, 401 and the shared error body for a route that needs a token', () => {
    expect(create['security']).toEqual([{ bearerAuth: [] }]);
    for (const status of ['400', '401', '409']) {
      expect(create['responses'][status].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorBody' });
    }
    expect(fragment.components.schemas['ErrorBody']).toMatchObject({ required: ['error', 'message', 'requestId'] });
    expect(fragment.components.securitySchemes['bearerAuth']).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  it('describes multipart uploads as binary file fields', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON, read by path in assertions
    const upload = fragment.paths['/api/v1/items/{id}/file']?.['put'] as Record<string, any>;
    expect(upload['security']).toEqual([]);
    expect(upload['requestBody'].content['multipart/form-data'].schema.properties.files).toMatchObject({
      type: 'array',
      maxItems: 3,
      items: { type: 'string', contentMediaType: 'application/octet-stream', maxLength: 1024 },
    });
  });
});

describe('mountedRoutes', () => {
  it('lists every route of the app, nested routers included, in the documented form', () => {
    const { api, router } = registryWithItems();
    const app = express();
    app.use((_req, _res, next) => next());
    app.use(router);
    const nested = Router();
    nested.get('/status', (_req, res) => void res.end());
    app.use('/admin', nested);
    app.get('/health', (_req, res) => void res.end());
    expect(mountedRoutes(app)).toEqual(['GET /admin/status', 'GET /health', 'POST /api/v1/items/:id', 'PUT /api/v1/items/:id/file']);
    expect(documentedRoutes(api.fragment())).toEqual(['POST /api/v1/items/:id', 'PUT /api/v1/items/:id/file']);
  });

  it('lists further security schemes a route accepts as alternatives to the bearer token', () => {
    const api = new ApiRegistry();
    api.route({
      method: 'get',
      path: '/docs',
      summary: 'Docs',
      tags: ['docs'],
      auth: 'required',
      credentials: ['docsQueryToken', 'docsCookie'],
      responses: { 200: { description: 'Page', mediaType: 'text/html' } },
    });
    const operation = api.fragment().paths['/docs']!['get'] as { security: unknown };
    expect(operation.security).toEqual([{ bearerAuth: [] }, { docsQueryToken: [] }, { docsCookie: [] }]);
  });
});


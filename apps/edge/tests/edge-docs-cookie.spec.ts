import { call } from '@tp/testing';
import { DOCS_COOKIE } from '../src/docs/docs-access';
import { startDocsStack, type DocsEdge, type DocsStack } from './support/docs-edge';

let docs: DocsStack | undefined;
let edge: DocsEdge;
let adminToken: string;
let freeToken: string;

beforeAll(async () => {
  docs = await startDocsStack();
  ({ edge, adminToken, freeToken } = docs);
});

afterAll(() => docs?.stop());

/** What the edge answers, redirects not followed (a browser would follow them with its cookie). */
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${edge.url}${path}`, { headers, redirect: 'manual' });
const withCookie = (token: string) => ({ cookie: `other=1; ${DOCS_COOKIE}=${token}` });

describe('GET /docs?token= (a browser’s first load)', () => {
  it('answers 303 to the same URL without the token and moves the token into a short-lived /docs cookie', async () => {
    const reply = await get(`/docs?token=${adminToken}`);
    expect(reply.status).toBe(303);
    expect(reply.headers.get('location')).toBe('/docs');
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const cookie = reply.headers.get('set-cookie') ?? '';
    expect(cookie.startsWith(`${DOCS_COOKIE}=${adminToken};`)).toBe(true);
    const attributes = cookie.split('; ').slice(1);
    expect(attributes.filter((attribute) => !attribute.startsWith('Expires=')).sort()).toEqual(['HttpOnly', 'Max-Age=600', 'Path=/docs', 'SameSite=Strict', 'Secure']);
  });

  it('keeps the other query parameters, and strips an encoded token name too', async () => {
    const reply = await get(`/docs/openapi.json?lang=en&%74oken=${adminToken}&x=1`);
    expect(reply.status).toBe(303);
    expect(reply.headers.get('location')).toBe('/docs/openapi.json?lang=en&x=1');
  });

  it('verifies the query token before setting anything: 403 for a non-admin, 401 for a forged one', async () => {
    const free = await get(`/docs?token=${freeToken}`);
    expect(free.status).toBe(403);
    expect(free.headers.get('set-cookie')).toBeNull();
    const forged = await get('/docs?token=not.a.token');
    expect(forged.status).toBe(401);
    expect(forged.headers.get('set-cookie')).toBeNull();
  });
});

describe('the docs cookie', () => {
  it('loads the page, the start-up script, the assets and the document, none of them with a token in its URL', async () => {
    const page = await get('/docs', withCookie(adminToken));
    expect(page.status).toBe(200);
    const html = await page.text();
    const urls = [...html.matchAll(/(?:href|src)="([^"]*)"/g)].map((match) => match[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(5);
    for (const url of urls) expect(url).not.toMatch(/token/i);
    const init = await get('/docs/swagger-initializer.js', withCookie(adminToken));
    expect(init.status).toBe(200);
    expect(await init.text()).toContain("url: '/docs/openapi.json'");
    for (const url of [...urls, '/docs/openapi.json']) expect({ url, status: (await get(url, withCookie(adminToken))).status }).toEqual({ url, status: 200 });
  });

  it('is verified as a token on every request: forged 401, non-admin 403', async () => {
    expect((await get('/docs/openapi.json', withCookie('not.a.token'))).status).toBe(401);
    expect((await get('/docs/openapi.json', withCookie(freeToken))).status).toBe(403);
  });

  it('is never API authentication: the same cookie on an API route is 401', async () => {
    const reply = await call(`${edge.url}/api/v1/user/profile`, { headers: withCookie(adminToken) });
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ error: 'unauthorized', message: 'Missing bearer token' });
  });
});

describe('the OpenAPI document', () => {
  it('declares the query token and the cookie as the docs routes’ alternatives to the bearer token, with their 303', async () => {
    const reply = await call(`${edge.url}/docs/openapi.json`, { token: adminToken });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON
    const paths = (reply.body as any).paths;
    for (const path of ['/docs', '/docs/openapi.json', '/docs/swagger-initializer.js']) {
      expect(paths[path].get.security).toEqual([{ bearerAuth: [] }, { docsQueryToken: [] }, { docsCookie: [] }]);
      expect(paths[path].get.responses['303'].headers).toHaveProperty('Set-Cookie');
      expect(paths[path].get.parameters ?? []).not.toContainEqual(expect.objectContaining({ name: 'token' }));
    }
  });
});

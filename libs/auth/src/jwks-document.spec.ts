import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchJwks, JwksUnavailableError, parseJwks } from './jwks-document';

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
const [KEY_A, KEY_B] = [rsa(), rsa()];
const signing = (kid: string, extra: Record<string, unknown> = {}) => ({ ...KEY_A, kid, ...extra });

describe('parseJwks', () => {
  it('keeps RS256 signing keys by kid, with the material as fingerprint', () => {
    const keys = parseJwks({ keys: [signing('a', { use: 'sig', alg: 'RS256' }), { ...KEY_B, kid: 'b' }] });
    expect([...keys.keys()]).toEqual(['a', 'b']);
    expect(keys.get('a')?.fingerprint).toBe(`${KEY_A.n}.${KEY_A.e}`);
    expect(keys.get('b')?.key.export({ format: 'jwk' })).toEqual({ kty: 'RSA', n: KEY_B.n, e: KEY_B.e });
  });

  it('skips encryption keys, other algorithms, other key types and keys without a kid', () => {
    const keys = parseJwks({
      keys: [
        signing('enc', { use: 'enc' }),
        signing('oaep', { alg: 'RSA-OAEP' }),
        signing('ps', { alg: 'PS256' }),
        signing('ec', { kty: 'EC' }),
        signing(''),
        { ...KEY_A, kid: 7 },
        signing('no-n', { n: undefined }),
        signing('no-e', { e: 65537 }),
        null,
        'key',
        signing('good'),
      ],
    });
    expect([...keys.keys()]).toEqual(['good']);
  });

  it('reads at most 50 keys', () => {
    const keys = Array.from({ length: 51 }, (_, index) => signing(`k${index}`));
    const parsed = parseJwks({ keys });
    expect(parsed.size).toBe(50);
    expect(parsed.has('k49')).toBe(true);
    expect(parsed.has('k50')).toBe(false);
  });

  it('refuses a body without a keys array or without a usable key', () => {
    expect(() => parseJwks(null)).toThrow(new JwksUnavailableError('JWKS body has no keys array'));
    expect(() => parseJwks({ keys: 'a' })).toThrow('JWKS body has no keys array');
    expect(() => parseJwks({ keys: [signing('enc', { use: 'enc' })] })).toThrow('JWKS has no usable RS256 signing key');
    expect(() => parseJwks({ keys: [] })).toThrow(JwksUnavailableError);
  });
});

describe('fetchJwks (a real HTTP server)', () => {
  let server: Server;
  let url: string;
  let answer: (req: IncomingMessage, res: ServerResponse) => void;
  let accept: string | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      accept = req.headers.accept;
      answer(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const serve = (status: number, body: string) => {
    answer = (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    };
  };
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (err: unknown) => err as JwksUnavailableError);

  it('downloads and parses the key set, asking for JSON', async () => {
    serve(200, JSON.stringify({ keys: [signing('a')] }));
    expect([...(await fetchJwks(url, 2000)).keys()]).toEqual(['a']);
    expect(accept).toBe('application/json');
  });

  it('names a non-2xx answer with its status', async () => {
    serve(500, 'oops');
    const err = await failure(fetchJwks(url, 2000));
    expect(err).toBeInstanceOf(JwksUnavailableError);
    expect(err?.message).toBe('JWKS endpoint answered HTTP 500');
  });

  it('refuses a body declared larger than 256 KiB, and takes one of exactly 256 KiB', async () => {
    const body = JSON.stringify({ keys: [signing('a')] });
    serve(200, body.padEnd(256 * 1024 + 1, ' '));
    expect((await failure(fetchJwks(url, 2000)))?.message).toBe('JWKS body too large');
    serve(200, body.padEnd(256 * 1024, ' '));
    expect((await fetchJwks(url, 2000)).size).toBe(1);
  });

  it('refuses a body that is not JSON, or not a key set', async () => {
    serve(200, '<html>');
    const err = await failure(fetchJwks(url, 2000));
    expect(err?.message).toBe('JWKS body is not JSON');
    expect((err?.cause as Error).name).toBe('SyntaxError');
    serve(200, '{"keys":{}}');
    expect((await failure(fetchJwks(url, 2000)))?.message).toBe('JWKS body has no keys array');
  });

  it('gives up after the timeout as unreachable', async () => {
    answer = () => undefined;
    const started = Date.now();
    const err = await failure(fetchJwks(url, 200));
    expect(err?.message).toBe('JWKS endpoint unreachable');
    expect(err?.name).toBe('JwksUnavailableError');
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

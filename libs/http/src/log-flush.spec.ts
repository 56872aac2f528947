import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '@tp/testing';

const ROOT = join(__dirname, '..', '..', '..');

/** A service run by runService, as main.ts runs one: its log lines go to the real stdout (buffered). */
const program = (port: number) => `
  const { runService, createServiceApp } = require('./libs/http/src/index.ts');
  runService({
    name: 'log-flush',
    loadConfig: () => ({ logLevel: 'info', logPretty: false, shutdownTimeoutMs: 2000, port: ${port}, metricsPort: 0 }),
    createApp: ({ logger }) => createServiceApp({
      logger,
      routes: (routes) => {
        routes.get('/hello/:n', (req, res) => { res.json({ n: req.params.n }); });
        routes.get('/crash', (_req, res) => {
          res.json({ crashing: true });
          res.on('finish', () => setTimeout(() => { throw new Error('boom after the answer'); }, 5));
        });
      },
    }),
  });
`;

interface Child {
  process: ChildProcess;
  url: string;
  lines: () => Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

async function startChild(): Promise<Child> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', program(port)], {
    cwd: ROOT,
    // An isolated environment (the absolute node path needs no PATH).
    env: { NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`log-flush service did not start:\n${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const lines = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { process: child, url, lines, exited };
}

const requestUrls = (child: Child) => child.lines().filter((line) => line['msg'] === 'Request completed').map((line) => line['url']);
const hello = async (child: Child, count: number) => {
  for (let n = 0; n < count; n += 1) expect((await fetch(`${child.url}/hello/${n}`)).status).toBe(200);
  return Array.from({ length: count }, (_, n) => `/hello/${n}`);
};

describe('buffered logging in a real process (runService)', () => {
  let child: Child | undefined;
  afterEach(async () => {
    if (child && child.process.exitCode === null) child.process.kill('SIGKILL');
    await child?.exited;
    child = undefined;
  });

  it('writes the last request lines before SIGTERM, then "Shutting down", and exits 0', async () => {
    child = await startChild();
    const urls = await hello(child, 12);
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(requestUrls(child)).toEqual(urls);
    expect(child.lines().map((line) => line['msg'])).toContain('Shutting down');
  });

  it('writes a partial buffer by itself soon after traffic stops (a quiet service is not silent)', async () => {
    child = await startChild();
    const urls = await hello(child, 3);
    const deadline = Date.now() + 5000;
    while (requestUrls(child).length < urls.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requestUrls(child)).toEqual(urls);
    expect(child.process.exitCode).toBeNull();
  });

  it('on an uncaught exception writes every buffered line and a fatal line with the error, and exits 1', async () => {
    child = await startChild();
    const urls = await hello(child, 4);
    expect((await fetch(`${child.url}/crash`)).status).toBe(200);
    expect(await child.exited).toBe(1);
    expect(requestUrls(child)).toEqual([...urls, '/crash']);
    const fatal = child.lines().find((line) => line['level'] === 'fatal');
    expect(fatal).toMatchObject({ msg: 'Uncaught exception, exiting', origin: 'uncaughtException', err: { message: 'boom after the answer' } });
  });
});

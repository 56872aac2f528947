// `npm run check:docs-browser`: opens /docs?token=<admin token> in headless Chromium (Debian:
// `apt-get install chromium`; CHROMIUM=<path> for another binary) against an edge on a free
// loopback port, then reads the edge's own request lines: the first load is 303 with the token
// (redacted), every later request (page, scripts, styles, openapi.json) carries none and is 200.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startTestIdentityProvider } from '@tp/testing';
import { startDocsEdge } from '../../apps/edge/tests/support/docs-edge';
import { singleUpstreamEnv } from '../../apps/edge/tests/support/single-upstream-env';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const idp = await startTestIdentityProvider();
  const edge = await startDocsEdge(singleUpstreamEnv(idp, `http://127.0.0.1:${await freePort()}`, { LOG_LEVEL: 'info' }));
  const profile = mkdtempSync(join(tmpdir(), 'tp-chromium-'));
  try {
    const token = await idp.passwordGrant('admin@example.com', 'password');
    const browser = process.env['CHROMIUM'] ?? 'chromium';
    // Asynchronously: the edge runs in this process and must keep answering meanwhile.
    const run = await promisify(execFile)(
      browser,
      ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${profile}`, '--timeout=20000', '--dump-dom', `${edge.url}/docs?token=${token}`],
      { encoding: 'utf8', timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
    );
    const lines = edge.logs.lines().filter((line) => line['msg'] === 'Request completed');
    for (const line of lines) say(`  ${line['statusCode']} ${String(line['url']).slice(0, 100)}`);
    const [first, ...rest] = lines;
    const failures = [
      first?.['statusCode'] === 303 && String(first['url']).includes('token=[REDACTED]') ? undefined : 'the first load was not a 303 of ?token=',
      rest.length >= 5 ? undefined : `only ${rest.length} requests followed the redirect`,
      ...rest.filter((line) => /token/i.test(String(line['url']))).map((line) => `a token in ${String(line['url'])}`),
      ...rest.filter((line) => line['statusCode'] !== 200).map((line) => `${line['statusCode']} on ${String(line['url'])}`),
      rest.some((line) => line['url'] === '/docs/openapi.json') ? undefined : 'the browser never loaded /docs/openapi.json',
      run.stdout.includes('ToolsPlatform API') ? undefined : 'Swagger UI did not render the document title',
      edge.logs.raw().includes(token) ? 'the token is in the edge log' : undefined,
    ].filter((failure): failure is string => failure !== undefined);
    say(failures.length === 0 ? `docs in ${browser}: OK (${rest.length} requests after the 303, none with a token)` : `FAILED:\n  ${failures.join('\n  ')}`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    rmSync(profile, { recursive: true, force: true });
    await edge.close();
    await idp.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`docs browser check failed: ${String(err)}\n`);
    process.exit(1);
  },
);

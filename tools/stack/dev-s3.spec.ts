import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { freePort } from '@tp/testing';

const ROOT = join(__dirname, '..', '..');

/** Calls startDevS3IfNeeded in its own process (its config comes from the environment) and closes what it started. */
function startDevS3(port: number, nodeEnv: string, path = process.env['PATH'] ?? '') {
  const code = `
    require(${JSON.stringify(join(__dirname, 'dev-s3.ts'))}).startDevS3IfNeeded().then(
      async (s3) => { console.log(s3 ? 'started ' + s3.kind + ' ' + s3.endpoint : 'not needed'); await s3?.close(); },
      (err) => { console.error(err.message); process.exitCode = 1; },
    );`;
  return spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '-e', code], {
    cwd: ROOT,
    env: { PATH: path, NODE_ENV: nodeEnv, S3_ENDPOINT: `http://127.0.0.1:${port}` },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('dev S3 server (npm start)', () => {
  it('refuses to start with NODE_ENV=production', async () => {
    const result = startDevS3(await freePort(), 'production');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe('The dev S3 server (moto_server or s3rver) is for development and tests only; it does not start with NODE_ENV=production');
  });

  it('starts moto_server on S3_ENDPOINT when it is on PATH and nothing answers there', async () => {
    const port = await freePort();
    const result = startDevS3(port, 'development');
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(`started moto_server http://127.0.0.1:${port}`);
  });

  it('falls back to s3rver without moto_server on PATH', async () => {
    const port = await freePort();
    // Node itself only: no pyenv shims, so no moto_server.
    const result = startDevS3(port, 'development', dirname(process.execPath));
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(`started s3rver http://127.0.0.1:${port}`);
  });
});

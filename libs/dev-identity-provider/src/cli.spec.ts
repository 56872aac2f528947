import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { processEnv } from '@tp/config';

const ROOT = join(__dirname, '..', '..', '..');

// Not @tp/testing's freePort: the harness depends on this lib, and a spec import back would be a cycle.
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The stand-in's CLI as its own process; resolves once it exits or prints its first line. */
function runCli(port: number, nodeEnv: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(__dirname, 'cli.ts'), String(port)], {
    cwd: ROOT,
    env: { PATH: processEnv()['PATH'] ?? '', NODE_ENV: nodeEnv },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) child.kill('SIGTERM');
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('dev identity provider CLI', () => {
  it('refuses to start with NODE_ENV=production, in one line, and listens on nothing', async () => {
    const port = await freePort();
    const result = await runCli(port, 'production');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      'The dev identity provider is for development and tests only; it does not start with NODE_ENV=production',
    ]);
    await expect(fetch(`http://127.0.0.1:${port}/realms/toolsplatform/.well-known/openid-configuration`)).rejects.toThrow();
  });

  it('starts with NODE_ENV=development', async () => {
    const result = await runCli(await freePort(), 'development');
    expect(result.stdout).toContain('dev identity provider (Keycloak stand-in) listening');
  });
});

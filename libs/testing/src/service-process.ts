import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process wrote, for assertions on log lines. */
  output: () => string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop: () => Promise<number | null>;
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Service exited early (${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Service at ${url} did not become healthy:\n${output()}`);
}

export interface ServiceProcessOptions {
  /**
   * Send stdout/stderr straight to this file instead of a pipe the parent buffers.
   * Benchmarks use it so the parent's event loop does not pay for draining log lines.
   */
  logFile?: string;
  /** The app's entry under src/ (default `main.ts`; `worker-main.ts` for the upload worker). */
  entry?: string;
}

/**
 * Runs a service's real `main.ts` as its own process (as in production), for
 * end-to-end tests that must not import another app's code.
 */
export async function startServiceProcess(
  app: string,
  env: Record<string, string>,
  portVariable: string,
  options: ServiceProcessOptions = {},
): Promise<ServiceProcess> {
  const port = Number(env[portVariable] ?? (await freePort()));
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'w');
  const entry = join(ROOT, 'apps', app, 'src', options.entry ?? 'main.ts');
  const guard = join(__dirname, 'exit-with-parent.cjs');
  // One process (no tsx CLI wrapper) that stops by itself if this test process dies.
  const child = spawn(process.execPath, ['--require', guard, '--import', 'tsx', entry], {
    cwd: ROOT,
    // An isolated environment: nothing from the developer's shell or .env leaks in.
    env: { NODE_ENV: 'test', LOG_LEVEL: 'info', ...env, [portVariable]: String(port) },
    stdio: logFd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
  });
  // The child holds its own copy of the descriptor.
  if (logFd !== undefined) closeSync(logFd);
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => (buffer += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (buffer += chunk.toString()));
  const logFile = options.logFile;
  const output = logFile === undefined ? () => buffer : () => readFileSync(logFile, 'utf8');
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return exited;
  };
  try {
    // Generous: on a shared 2-core machine four tsx processes starting at once took 14–21 s.
    await waitForHealth(url, child, output, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, child, output, stop };
}

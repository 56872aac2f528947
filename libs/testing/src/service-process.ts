import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { serviceSpec, type ServiceName } from '@tp/config';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Test ports come from below Linux's ephemeral range (32768–60999): a port the kernel hands out
 * for listen(0) can be taken by an outgoing connection's local port before the service binds it.
 */
const TEST_PORTS = { low: 20_000, high: 32_767 };
const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    // The services bind every address, so the check does too.
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = TEST_PORTS.low + Math.floor(Math.random() * (TEST_PORTS.high - TEST_PORTS.low + 1));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`No free test port in ${TEST_PORTS.low}–${TEST_PORTS.high}`);
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
}

/**
 * Runs a manifest process from its real entry as its own process (as in production: its port
 * variable, its Node flags), for end-to-end tests that must not import another app's code.
 */
export async function startServiceProcess(name: ServiceName, env: Record<string, string>, options: ServiceProcessOptions = {}): Promise<ServiceProcess> {
  const given = env[serviceSpec(name).port.variable];
  if (given !== undefined) return launch(name, env, Number(given), options);
  // A port this process picked may still be lost to a parallel test between check and bind: pick again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(name, env, await freePort(), options);
    } catch (err) {
      if (attempt >= 3 || !String(err).includes('EADDRINUSE')) throw err;
    }
  }
}

async function launch(name: ServiceName, env: Record<string, string>, port: number, options: ServiceProcessOptions): Promise<ServiceProcess> {
  const spec = serviceSpec(name);
  const portVariable = spec.port.variable;
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'w');
  const guard = join(__dirname, 'exit-with-parent.cjs');
  // One process (no tsx CLI wrapper) that stops by itself if this test process dies.
  const child = spawn(process.execPath, [...spec.nodeFlags, '--require', guard, '--import', 'tsx', join(ROOT, spec.entry)], {
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

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '@tp/testing';

const ROOT = join(__dirname, '..', '..');

export interface BenchProcess {
  url: string;
  stop: () => Promise<void>;
}

/** Polls until the server answers any HTTP response (these servers have no /health of their own). */
async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited early (${child.exitCode})`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(500) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`${url} did not start listening`);
}

/**
 * Runs one of the bench's own servers (trivial-upstream.ts, raw-proxy.ts, …) as a fresh
 * process, so it never shares an event loop with autocannon or with another server.
 */
export async function spawnBenchProcess(script: string, env: Record<string, string> = {}): Promise<BenchProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, script)], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', ...env, PORT: String(port) },
    // These servers print nothing; inherit stderr so a crash is visible.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(url, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop };
}

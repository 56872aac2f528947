import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceSpec, type ServiceName } from '@tp/config';
import { freePort } from '@tp/testing';
import { BENCH_BUNDLE_DIR, ROOT } from './build-bench-bundles';

// Stops a bench process by itself if the bench dies (re-parented): no orphans on a shared machine.
const EXIT_WITH_PARENT = join(ROOT, 'libs/testing/src/exit-with-parent.cjs');

export interface BenchProcess {
  url: string;
  pid: number;
  /** user+system CPU of this process so far, in µs, from /proc/<pid>/stat (Linux). */
  cpuMicros: () => number;
  stop: () => Promise<void>;
}

// /proc reports CPU in clock ticks; Linux fixes USER_HZ at 100 for user space.
const MICROS_PER_TICK = 10_000;

export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // Fields 14 (utime) and 15 (stime) of stat(5), counted after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) * MICROS_PER_TICK;
}

/** Polls until the server answers `path` with any status below 500. */
async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited early (${child.exitCode})`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not start`);
}

export interface SpawnOptions {
  /** A built JavaScript file: a bench server in dist/bench or an app's dist/apps/<app>/main.js. */
  entry: string;
  env: Record<string, string>;
  /** The variable the process reads its port from (PORT for the bench's own servers). */
  portVariable?: string;
  /** Polled until the process answers (below 500). */
  readyPath?: string;
  /** stdout+stderr go here (service logs); otherwise stdout is dropped and stderr inherited. */
  logFile?: string;
  /** Node flags, e.g. an app's manifest flags, then --cpu-prof for the profile command. */
  nodeFlags?: string[];
}

/**
 * Runs one built JavaScript file as a fresh `node` process — no tsx, no loader, the way
 * the image runs it — so each server has its own event loop and its own /proc CPU counters.
 */
export async function spawnBuilt(options: SpawnOptions): Promise<BenchProcess> {
  const port = await freePort();
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'w');
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--require', EXIT_WITH_PARENT, options.entry], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', ...options.env, [options.portVariable ?? 'PORT']: String(port) },
    stdio: logFd === undefined ? ['ignore', 'ignore', 'inherit'] : ['ignore', logFd, logFd],
  });
  if (logFd !== undefined) closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}${options.readyPath ?? '/'}`, child);
  } catch (err) {
    await stop();
    throw err;
  }
  const pid = child.pid!;
  return { url, pid, cpuMicros: () => cpuMicros(pid), stop };
}

/** One of the bench's own servers (trivial-upstream, raw-proxy, express-proxy), bundled. */
export function spawnBenchServer(name: string, env: Record<string, string> = {}, nodeFlags?: string[]): Promise<BenchProcess> {
  return spawnBuilt({ entry: join(BENCH_BUNDLE_DIR, `${name}.js`), env, nodeFlags });
}

/** A manifest process's production bundle (from `npm run build`) with its manifest Node flags, then `extra.nodeFlags`. */
export function spawnApp(name: ServiceName, env: Record<string, string>, extra: Pick<SpawnOptions, 'logFile' | 'nodeFlags'> = {}): Promise<BenchProcess> {
  const spec = serviceSpec(name);
  const nodeFlags = [...spec.nodeFlags, ...(extra.nodeFlags ?? [])];
  return spawnBuilt({ entry: join(ROOT, spec.bundle), env, portVariable: spec.port.variable, readyPath: '/health', logFile: extra.logFile, nodeFlags });
}

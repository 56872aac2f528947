import { readFileSync } from 'node:fs';
import type { MemorySample } from './memory-trend';
import type { SoakProcess } from './soak-stack';

const MIB = 1024 * 1024;

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

/**
 * Every `everyMs`, each process in turn: a full GC through its inspector, then its JS heap in
 * use and its RSS. Post-GC heap is what a process really keeps; heap in use without a GC swings
 * by tens of MiB between collections and cannot tell retention from growth of the old space.
 */
export function startMemorySampler(processes: SoakProcess[], everyMs: number, startedAt: number) {
  const samples = new Map<string, MemorySample[]>(processes.map((entry) => [entry.name, []]));
  let stopped = false;
  let round: Promise<void> = Promise.resolve();
  const sampleAll = async () => {
    const minute = (performance.now() - startedAt) / 60_000;
    for (const entry of processes) {
      // A dead process has no sample; the verdict names it (exitCode).
      if (entry.exitCode() !== null) continue;
      const heap = await entry.inspector.heapUsedAfterGc().catch(() => undefined);
      if (heap !== undefined) samples.get(entry.name)!.push({ minute, heapMiB: heap / MIB, rssMiB: rssMiB(entry.pid) });
    }
  };
  const timer = setInterval(() => {
    if (!stopped) round = round.then(sampleAll);
  }, everyMs);
  round = sampleAll();
  return {
    samples,
    /** One last sample, then no more. */
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await round;
      await sampleAll();
      return samples;
    },
  };
}

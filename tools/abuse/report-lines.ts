import { percentile, type FloodResult, type Probe } from './attacks';

/** What `npm run abuse` prints, in one form for every probe. */
export const ms = (value: number) => `${Math.round(value)} ms`;

/** Answer counts by status, sorted: `200×12 429×3`. */
export const statuses = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');

/** `p50 …, max …`; the max by reduce, since spreading many latencies into Math.max overflows the stack. */
export const p50AndMax = (latenciesMs: number[]) =>
  `p50 ${ms(percentile(latenciesMs, 50))}, max ${ms(latenciesMs.reduce((max, value) => Math.max(max, value), -Infinity))}`;

export const latency = (latenciesMs: number[]) => `latency ${p50AndMax(latenciesMs)}`;

/** The normal client's experience while an attack ran, from its own loopback address. */
export const probeLine = (what: string, probe: Probe, from = '127.0.0.2') =>
  `normal client meanwhile (${what}, from ${from}): ${statuses(probe.statuses)}; ${latency(probe.latenciesMs)}`;

export const floodLine = (name: string, result: FloodResult) => `${name}: ${statuses(result.statuses)} in ${ms(result.elapsedMs)}; ${latency(result.latenciesMs)}`;

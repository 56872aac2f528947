/** What `--trace-gc-nvp` said about a process's garbage collections over a run. */
export interface GcSummary {
  scavenges: number;
  meanScavengePauseMs: number;
  maxScavengePauseMs: number;
  /** Bytes that survived young-generation GC into the old generation, per scavenge. */
  promotedMiBPerScavenge: number;
  fullCollections: number;
  maxFullPauseMs: number;
}

function field(line: string, name: string): number {
  const match = new RegExp(`(?:^|\\s)${name}=([0-9.]+)`).exec(line);
  return match ? Number(match[1]) : 0;
}

/**
 * Sums V8's one-line-per-GC trace (`--trace-gc-nvp`). A request handler whose objects outlive a
 * scavenge shows here first: MBs promoted per scavenge and pauses of many milliseconds, while
 * CPU per request moves little (that is how the edge's 10 MB per scavenge was found).
 */
export function summarizeGcTrace(text: string): GcSummary {
  const scavenges: Array<{ pause: number; promoted: number }> = [];
  const full: number[] = [];
  for (const line of text.split('\n')) {
    const kind = /\sgc=(\w+)/.exec(line)?.[1];
    if (!kind) continue;
    if (kind === 's') scavenges.push({ pause: field(line, 'pause'), promoted: field(line, 'promoted') });
    else full.push(field(line, 'pause'));
  }
  const pauses = scavenges.map((gc) => gc.pause);
  const round = (value: number) => Math.round(value * 10) / 10;
  const count = Math.max(scavenges.length, 1);
  return {
    scavenges: scavenges.length,
    meanScavengePauseMs: round(pauses.reduce((sum, pause) => sum + pause, 0) / count),
    maxScavengePauseMs: round(Math.max(0, ...pauses)),
    promotedMiBPerScavenge: round(scavenges.reduce((sum, gc) => sum + gc.promoted, 0) / count / 1024 / 1024),
    fullCollections: full.length,
    maxFullPauseMs: round(Math.max(0, ...full)),
  };
}

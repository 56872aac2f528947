export interface MemorySample {
  /** Minutes since the soak's traffic started. */
  minute: number;
  heapMiB: number;
  rssMiB: number;
}

export interface MemoryTrend {
  start: MemorySample;
  end: MemorySample;
  /** Least-squares slope of the post-GC heap over the samples after warm-up, MiB per hour. */
  heapSlope: number;
  rssSlope: number;
}

/** Least-squares slope of y over x (per unit of x); 0 for fewer than two points. */
export function slope(points: Array<[number, number]>): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}

/**
 * The trend of one process. Samples inside the warm-up (caches filling, JIT, pools opening) are
 * left out of the slope; start and end are the first and last kept samples.
 */
export function memoryTrend(samples: MemorySample[], warmUpMinutes: number): MemoryTrend {
  const kept = samples.filter((sample) => sample.minute >= warmUpMinutes);
  const used = kept.length >= 2 ? kept : samples;
  const perHour = (pick: (sample: MemorySample) => number) => slope(used.map((sample) => [sample.minute, pick(sample)])) * 60;
  return { start: used[0]!, end: used[used.length - 1]!, heapSlope: perHour((s) => s.heapMiB), rssSlope: perHour((s) => s.rssMiB) };
}

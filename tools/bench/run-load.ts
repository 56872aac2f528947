import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Responses that were not 2xx plus socket errors and timeouts: must be 0 for a valid run. */
  failures: number;
  /** CPU (user+system, from /proc) per request of each measured process, by role, in µs. */
  cpuUsPerRequest?: Record<string, number>;
}

/**
 * Closed-loop throughput: autocannon in this (the parent) process keeps `connections`
 * requests in flight; the servers under test are other processes. autocannon's own HTTP
 * client is cheaper than node:http, so on a small machine it takes less CPU from the
 * servers it measures. Any failed request aborts the bench: a 401 or 429 would measure the
 * wrong path. Fixed-rate runs use paced-load.ts instead (see there why).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    headers: options.headers,
    connections: options.connections,
    pipelining: 1,
    duration: options.durationSeconds,
  });
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) {
    throw new Error(`${options.url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return {
    requestsPerSecond: result.requests.mean,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures,
  };
}

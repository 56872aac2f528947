import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** Fixed total rate (autocannon `overallRate`); omitted = as fast as possible. */
  overallRate?: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Responses that were not 2xx plus socket errors and timeouts: must be 0 for a valid run. */
  failures: number;
}

/**
 * One autocannon run in this (the parent) process; the servers under test are other
 * processes. Any failed request aborts the bench: a 401 or 429 would measure the wrong path.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    headers: options.headers,
    connections: options.connections,
    pipelining: 1,
    duration: options.durationSeconds,
    ...(options.overallRate
      ? {
          overallRate: options.overallRate,
          // autocannon's correction assumes a 1 ms interval whatever the rate, which would add
          // synthetic samples to every response slower than 1 ms; record what was measured.
          ignoreCoordinatedOmission: true,
        }
      : {}),
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

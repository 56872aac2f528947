import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { freePort, keycloakEnvFor, TEST_PASSWORD } from '@tp/testing';
import { spawnApp, spawnBenchServer, spawnBuilt, type BenchProcess } from './spawn-bench-process';
import { BENCH_BUNDLE_DIR } from './build-bench-bundles';

export type CaseId = 'a' | 'b' | 'f' | 'c' | 'd' | 'c-t0' | 'c-t10' | 'c-t100';

export interface BenchContext {
  idp: DevIdentityProvider;
  redisUrl: string;
  databaseUrl: string;
  /** Where the services' pino output goes during a run (deleted after counting). */
  logDir: string;
  rateLimitMax: number;
}

export interface RunningCase {
  url: string;
  headers: Record<string, string>;
  /** The processes whose CPU per request the report shows, by role (proxy, edge, user). */
  measured: Record<string, BenchProcess>;
  /** Each measured process's stdout+stderr file, by role, until `stop` deletes it. */
  logs: Record<string, string>;
  /** Stops every process of the case; resolves with the number of edge request log lines written. */
  stop: () => Promise<number>;
}

export interface BenchCase {
  id: CaseId;
  label: string;
  start: (ctx: BenchContext, runName: string, nodeFlags?: Partial<Record<string, string[]>>) => Promise<RunningCase>;
}

const PROFILE_PATH = '/api/v1/user/profile';
const ORIGIN = 'https://app.example.com';

/** Counts request lines ("Request completed", or "Request aborted" for those cut at the end of a run) so the report can show logging really ran at info. */
function countRequestLines(file: string): number {
  const text = readFileSync(file, 'utf8');
  rmSync(file, { force: true });
  return text.split('\n').filter((line) => line.includes('"Request completed"') || line.includes('"Request aborted"')).length;
}

/** Production settings: real CORS origin list, info logs, a rate limit that cannot trip. */
async function edgeEnv(ctx: BenchContext, userServiceUrl: string): Promise<Record<string, string>> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    ...keycloakEnvFor(ctx.idp),
    REDIS_URL: ctx.redisUrl,
    USER_SERVICE_URL: userServiceUrl,
    CORS_ORIGINS: ORIGIN,
    RATE_LIMIT_MAX: String(ctx.rateLimitMax),
    RATE_LIMIT_PREFIX: 'bench:rl:',
    // Production defaults to fixed metrics ports; a free one so parallel runs never collide.
    EDGE_METRICS_PORT: String(await freePort()),
  };
}

/** A fresh token per run, fetched the way a client would (password grant on the dev IdP). */
async function authHeaders(ctx: BenchContext): Promise<Record<string, string>> {
  const token = await ctx.idp.passwordGrant('free', TEST_PASSWORD);
  return { authorization: `Bearer ${token}`, origin: ORIGIN };
}

/**
 * One of the bench's own proxies over the trivial upstream, its output in a log file. `floor`:
 * it calls Redis (so it gets the URL) and writes a request line per request, counted at stop.
 */
function proxyOverUpstream(id: CaseId, label: string, server: string, floor = false): BenchCase {
  return {
    id,
    label,
    start: async (ctx, runName, nodeFlags = {}) => {
      const upstream = await spawnBenchServer('trivial-upstream');
      const logFile = join(ctx.logDir, `${runName}-${server}.log`);
      const entry = join(BENCH_BUNDLE_DIR, `${server}.js`);
      const env = { TARGET: upstream.url, ...(floor ? { REDIS_URL: ctx.redisUrl } : {}) };
      const proxy = await spawnBuilt({ entry, env, logFile, nodeFlags: nodeFlags['proxy'] });
      return {
        url: `${proxy.url}${PROFILE_PATH}`,
        headers: {},
        measured: { proxy },
        logs: { proxy: logFile },
        stop: async () => {
          await proxy.stop();
          await upstream.stop();
          const lines = countRequestLines(logFile);
          return floor ? lines : 0;
        },
      };
    },
  };
}

/** Tracing on (libs/telemetry): OTLP/HTTP protobuf to a local sink, the edge's roots sampled by `ratio`. */
async function tracingEnv(ratio: number): Promise<{ env: Record<string, string>; sink: BenchProcess }> {
  const sink = await spawnBenchServer('otlp-sink');
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: String(ratio),
  };
  return { env, sink };
}

/** (c), and the same chain with tracing at a sampling ratio (the "tracing cost" rows). */
function edgeOverUpstreamCase(id: CaseId, label: string, sampling?: number): BenchCase {
  return {
    id,
    label,
    start: async (ctx, runName, nodeFlags = {}) => {
      const upstream = await spawnBenchServer('trivial-upstream');
      const tracing = sampling === undefined ? undefined : await tracingEnv(sampling);
      const logFile = join(ctx.logDir, `${runName}-edge.log`);
      const edge = await spawnApp('edge', { ...(await edgeEnv(ctx, upstream.url)), ...tracing?.env }, { logFile, nodeFlags: nodeFlags['edge'] });
      return {
        url: `${edge.url}${PROFILE_PATH}`,
        headers: await authHeaders(ctx),
        measured: { edge },
        logs: { edge: logFile },
        stop: async () => {
          await edge.stop();
          await upstream.stop();
          await tracing?.sink.stop();
          return countRequestLines(logFile);
        },
      };
    },
  };
}

const edgeOverUpstream = edgeOverUpstreamCase('c', 'edge full chain → trivial upstream');

/** Tracing on, nothing sampled: what an unsampled request costs. */
const UNSAMPLED_CASE = edgeOverUpstreamCase('c-t0', 'edge full chain, tracing on, 0 % sampled → OTLP sink', 0);

/** Case (c) with tracing off, on with 0 %, at 10 % and at 100 % sampling (`BENCH_TRACING=1 npm run bench` runs only these). */
export const TRACING_CASES: BenchCase[] = [
  edgeOverUpstream,
  UNSAMPLED_CASE,
  edgeOverUpstreamCase('c-t10', 'edge full chain, tracing 10 % → OTLP sink', 0.1),
  edgeOverUpstreamCase('c-t100', 'edge full chain, tracing 100 % → OTLP sink', 1),
];

const edgeOverUserService: BenchCase = {
  id: 'd',
  label: 'edge → user service → Postgres',
  start: async (ctx, runName, nodeFlags = {}) => {
    const userLog = join(ctx.logDir, `${runName}-user.log`);
    const userEnv = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: ctx.databaseUrl,
      REDIS_URL: ctx.redisUrl,
      USER_METRICS_PORT: String(await freePort()),
      // Production refuses to start without the prices that buy PREMIUM (libs/entitlements).
      PADDLE_PREMIUM_PRICE_IDS: 'pri_01bench',
      ...keycloakEnvFor(ctx.idp),
    };
    const user = await spawnApp('user', userEnv, { logFile: userLog, nodeFlags: nodeFlags['user'] });
    const edgeLog = join(ctx.logDir, `${runName}-edge.log`);
    const edge = await spawnApp('edge', await edgeEnv(ctx, user.url), { logFile: edgeLog, nodeFlags: nodeFlags['edge'] });
    return {
      url: `${edge.url}${PROFILE_PATH}`,
      headers: await authHeaders(ctx),
      measured: { edge, user },
      logs: { edge: edgeLog, user: userLog },
      stop: async () => {
        await edge.stop();
        await user.stop();
        countRequestLines(userLog);
        return countRequestLines(edgeLog);
      },
    };
  },
};

/** The four cases, in the order every round runs them. */
export const BENCH_CASES: BenchCase[] = [
  proxyOverUpstream('a', 'raw node:http keep-alive proxy (ceiling)', 'raw-proxy'),
  proxyOverUpstream('b', 'bare Express 5 + http-proxy-middleware', 'express-proxy'),
  // (f): (b) + one Redis round trip + one request line per request: what no edge of this design can skip.
  proxyOverUpstream('f', 'floor: (b) + 1 Redis call + 1 log line', 'floor-proxy', true),
  edgeOverUpstream,
  edgeOverUserService,
];

export function benchCase(id: string): BenchCase {
  const found = [...BENCH_CASES, ...TRACING_CASES].find((item) => item.id === id);
  if (!found) throw new Error(`Unknown bench case ${id} (a, b, f, c, d, c-t0, c-t10 or c-t100)`);
  return found;
}

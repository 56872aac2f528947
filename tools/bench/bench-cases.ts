import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { keycloakEnvFor, startServiceProcess, TEST_PASSWORD } from '@tp/testing';
import { spawnBenchProcess } from './spawn-bench-process';

export type CaseId = 'a' | 'b' | 'c' | 'd';

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
  /** Stops every process of the case; resolves with the number of request log lines written. */
  stop: () => Promise<number>;
}

export interface BenchCase {
  id: CaseId;
  label: string;
  start: (ctx: BenchContext, runName: string) => Promise<RunningCase>;
}

const PROFILE_PATH = '/api/v1/user/profile';
const ORIGIN = 'https://app.example.com';

/** Counts "Request completed" lines so the report can show logging really ran at info. */
function countRequestLines(file: string): number {
  const text = readFileSync(file, 'utf8');
  rmSync(file, { force: true });
  return text.split('\n').filter((line) => line.includes('"Request completed"')).length;
}

/** Production settings: real CORS origin list, info logs, a rate limit that cannot trip. */
function edgeEnv(ctx: BenchContext, userServiceUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    ...keycloakEnvFor(ctx.idp),
    REDIS_URL: ctx.redisUrl,
    USER_SERVICE_URL: userServiceUrl,
    CORS_ORIGINS: ORIGIN,
    RATE_LIMIT_MAX: String(ctx.rateLimitMax),
    RATE_LIMIT_PREFIX: 'bench:rl:',
  };
}

/** A fresh token per run, fetched the way a client would (password grant on the dev IdP). */
async function authHeaders(ctx: BenchContext): Promise<Record<string, string>> {
  const token = await ctx.idp.passwordGrant('free', TEST_PASSWORD);
  return { authorization: `Bearer ${token}`, origin: ORIGIN };
}

function proxyOverUpstream(id: CaseId, label: string, script: string): BenchCase {
  return {
    id,
    label,
    start: async () => {
      const upstream = await spawnBenchProcess('trivial-upstream.ts');
      const proxy = await spawnBenchProcess(script, { TARGET: upstream.url });
      return {
        url: `${proxy.url}${PROFILE_PATH}`,
        headers: {},
        stop: async () => {
          await proxy.stop();
          await upstream.stop();
          return 0;
        },
      };
    },
  };
}

const edgeOverUpstream: BenchCase = {
  id: 'c',
  label: 'edge full chain → trivial upstream',
  start: async (ctx, runName) => {
    const upstream = await spawnBenchProcess('trivial-upstream.ts');
    const logFile = join(ctx.logDir, `${runName}-edge.log`);
    const edge = await startServiceProcess('edge', edgeEnv(ctx, upstream.url), 'EDGE_PORT', { logFile });
    return {
      url: `${edge.url}${PROFILE_PATH}`,
      headers: await authHeaders(ctx),
      stop: async () => {
        await edge.stop();
        await upstream.stop();
        return countRequestLines(logFile);
      },
    };
  },
};

const edgeOverUserService: BenchCase = {
  id: 'd',
  label: 'edge → user service → Postgres',
  start: async (ctx, runName) => {
    const userLog = join(ctx.logDir, `${runName}-user.log`);
    const user = await startServiceProcess(
      'user',
      { NODE_ENV: 'production', LOG_LEVEL: 'info', DATABASE_URL: ctx.databaseUrl, ...keycloakEnvFor(ctx.idp) },
      'USER_PORT',
      { logFile: userLog },
    );
    const edgeLog = join(ctx.logDir, `${runName}-edge.log`);
    const edge = await startServiceProcess('edge', edgeEnv(ctx, user.url), 'EDGE_PORT', { logFile: edgeLog });
    return {
      url: `${edge.url}${PROFILE_PATH}`,
      headers: await authHeaders(ctx),
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
  proxyOverUpstream('a', 'raw node:http keep-alive proxy (ceiling)', 'raw-proxy.ts'),
  proxyOverUpstream('b', 'bare Express 5 + http-proxy-middleware 3', 'express-proxy.ts'),
  edgeOverUpstream,
  edgeOverUserService,
];

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES, type ServiceName } from '@tp/config';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { freePort, keycloakEnvFor, type S3Server } from '@tp/testing';

const GUARD = join(__dirname, '..', '..', 'libs/testing/src/exit-with-parent.cjs');

export interface TreeProcess {
  name: string;
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

/**
 * `node <args>` inside the runtime tree with NODE_ENV=production and only the variables given:
 * no .env (the tree has none), no shell environment beyond PATH.
 */
export function runInTree(
  tree: string,
  name: string,
  args: string[],
  env: Record<string, string>,
  logDir: string,
  /** Flags after the manifest's for `name` (none for a process the manifest does not list, e.g. the migrator), e.g. the soak's --inspect. */
  nodeFlags: string[] = [],
): TreeProcess {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'w');
  const manifestFlags = SERVICES.find((spec) => spec.name === name)?.nodeFlags ?? [];
  const child = spawn(process.execPath, [...manifestFlags, ...nodeFlags, '--require', GUARD, ...args], {
    cwd: tree,
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    log: () => readFileSync(logFile, 'utf8'),
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Each manifest process's port. */
export type StackPorts = Record<ServiceName, number>;

export interface RuntimeStackEnv {
  /** Every variable of every process (one environment, as one ConfigMap / .env would be). */
  env: Record<string, string>;
  ports: StackPorts;
  webhookSecret: string;
  /** The one price PADDLE_PREMIUM_PRICE_IDS lists (production refuses to start without one). */
  premiumPriceId: string;
  corsOrigin: string;
}

async function freePorts(): Promise<StackPorts> {
  const entries = await Promise.all(SERVICES.map(async (spec) => [spec.name, await freePort()] as const));
  return Object.fromEntries(entries) as StackPorts;
}

/** Every manifest process's port and metrics port, and the edge's URL of each upstream, on loopback. */
function listenEnv(ports: StackPorts, metrics: StackPorts): Record<string, string> {
  const env: Record<string, string> = {};
  for (const spec of SERVICES) {
    env[spec.port.variable] = String(ports[spec.name]);
    env[spec.metricsPort.variable] = String(metrics[spec.name]);
    if ('upstreamVariable' in spec) env[spec.upstreamVariable] = `http://127.0.0.1:${ports[spec.name]}`;
  }
  return env;
}

/** Production-like configuration: secrets generated for this run, a CORS list, the trusted proxy named. */
export async function productionEnv(options: { databaseUrl: string; redisUrl: string; idp: DevIdentityProvider; s3: S3Server }): Promise<RuntimeStackEnv> {
  const run = randomBytes(6).toString('hex');
  const ports = await freePorts();
  const metrics = await freePorts();
  const webhookSecret = `pdl_ntfset_${randomBytes(24).toString('hex')}`;
  const premiumPriceId = `pri_01smoke${randomBytes(9).toString('hex')}`;
  const corsOrigin = 'https://app.toolsplatform.example';
  const env = {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    ...keycloakEnvFor(options.idp),
    FEATURE_FLAGS_CHANNEL: `smoke:${run}:flags`,
    ...listenEnv(ports, metrics),
    CORS_ORIGINS: `${corsOrigin},https://www.toolsplatform.example`,
    TRUSTED_PROXIES: '127.0.0.1/32',
    RATE_LIMIT_PREFIX: `rl:smoke:${run}:`,
    PADDLE_WEBHOOK_SECRET: webhookSecret,
    PADDLE_PREMIUM_PRICE_IDS: premiumPriceId,
    UPLOAD_IP_HASH_SECRET: randomBytes(32).toString('hex'),
    S3_ENDPOINT: options.s3.endpoint,
    S3_BUCKET: `smoke-${run}`,
    UPLOAD_QUEUE_NAME: `smoke-${run}`,
  };
  return { env, ports, webhookSecret, premiumPriceId, corsOrigin };
}

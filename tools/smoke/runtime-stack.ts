import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { nodeFlagsOf } from '../build/node-flags-of';
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
  /** Flags after the bundle's own, e.g. the soak's --inspect. */
  nodeFlags: string[] = [],
): TreeProcess {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'w');
  // The bundle's own flags first, as the image's CMD passes them.
  const child = spawn(process.execPath, [...nodeFlagsOf(join(tree, args[0] ?? '')), ...nodeFlags, '--require', GUARD, ...args], {
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

export interface StackPorts {
  edge: number;
  user: number;
  flags: number;
  billing: number;
  upload: number;
  worker: number;
}

export interface RuntimeStackEnv {
  /** Every variable of every process (one environment, as one ConfigMap / .env would be). */
  env: Record<string, string>;
  ports: StackPorts;
  webhookSecret: string;
  /** The one price PADDLE_PREMIUM_PRICE_IDS lists (production refuses to start without one). */
  premiumPriceId: string;
  corsOrigin: string;
}

async function freePorts<K extends string>(names: readonly K[]): Promise<Record<K, number>> {
  const entries = await Promise.all(names.map(async (name) => [name, await freePort()] as const));
  return Object.fromEntries(entries) as Record<K, number>;
}

/** Production-like configuration: secrets generated for this run, a CORS list, the trusted proxy named. */
export async function productionEnv(options: { databaseUrl: string; redisUrl: string; idp: DevIdentityProvider; s3: S3Server }): Promise<RuntimeStackEnv> {
  const run = randomBytes(6).toString('hex');
  const ports = await freePorts(['edge', 'user', 'flags', 'billing', 'upload', 'worker'] as const);
  const metrics = await freePorts(['edge', 'user', 'flags', 'billing', 'upload', 'worker'] as const);
  const webhookSecret = `pdl_ntfset_${randomBytes(24).toString('hex')}`;
  const premiumPriceId = `pri_01smoke${randomBytes(9).toString('hex')}`;
  const corsOrigin = 'https://app.toolsplatform.example';
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const env = {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    ...keycloakEnvFor(options.idp),
    FEATURE_FLAGS_CHANNEL: `smoke:${run}:flags`,
    EDGE_PORT: String(ports.edge),
    USER_PORT: String(ports.user),
    FLAGS_PORT: String(ports.flags),
    BILLING_PORT: String(ports.billing),
    UPLOAD_PORT: String(ports.upload),
    UPLOAD_WORKER_PORT: String(ports.worker),
    EDGE_METRICS_PORT: String(metrics.edge),
    USER_METRICS_PORT: String(metrics.user),
    FLAGS_METRICS_PORT: String(metrics.flags),
    BILLING_METRICS_PORT: String(metrics.billing),
    UPLOAD_METRICS_PORT: String(metrics.upload),
    UPLOAD_WORKER_METRICS_PORT: String(metrics.worker),
    USER_SERVICE_URL: local(ports.user),
    FLAGS_SERVICE_URL: local(ports.flags),
    BILLING_SERVICE_URL: local(ports.billing),
    UPLOAD_SERVICE_URL: local(ports.upload),
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

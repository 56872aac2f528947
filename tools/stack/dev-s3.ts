import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import S3rver from 's3rver';
import { z } from 'zod';
import { httpUrl, loadConfig, refuseInProduction } from '@tp/config';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const ROOT = join(__dirname, '..', '..');

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface DevS3 {
  endpoint: string;
  /** `moto_server` (every upload path) or `s3rver` (no resumable uploads: it lacks ListParts and AbortMultipartUpload). */
  kind: 'moto_server' | 's3rver';
  close: () => Promise<void>;
}

const hasMoto = () => spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;

/** moto_server (in memory: its objects go when npm start stops) on `port`, once it answers. */
async function startMoto(endpoint: string, port: number): Promise<DevS3> {
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 100 && !(await answers('127.0.0.1', port)); attempt += 1) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    endpoint,
    kind: 'moto_server',
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Starts a dev S3 on S3_ENDPOINT's port when that endpoint is local and nothing answers there, as
 * dev-identity.ts does for Keycloak: moto_server when it is on PATH (multipart and resumable
 * uploads both work on it), else s3rver (files under tmp/s3rver; resumable uploads fail on it).
 * Any credentials do; the upload service's defaults are S3RVER/S3RVER.
 */
export async function startDevS3IfNeeded(): Promise<DevS3 | undefined> {
  const env = loadConfig(z.object({ S3_ENDPOINT: httpUrl.default('http://127.0.0.1:9000') }));
  const url = new URL(env.S3_ENDPOINT);
  const port = Number(url.port || 80);
  if (!LOCAL_HOSTS.has(url.hostname) || (await answers(url.hostname.replace(/^\[|\]$/g, ''), port))) return undefined;
  refuseInProduction('The dev S3 server (moto_server or s3rver)');
  if (hasMoto()) return startMoto(env.S3_ENDPOINT, port);
  const directory = join(ROOT, 'tmp', 's3rver');
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true });
  await server.run();
  return { endpoint: env.S3_ENDPOINT, kind: 's3rver', close: () => server.close() };
}

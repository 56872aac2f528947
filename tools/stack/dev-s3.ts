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

/**
 * Starts s3rver (an S3-protocol stand-in, files under tmp/s3rver) on S3_ENDPOINT's port when
 * that endpoint is local and nothing answers there, as dev-identity.ts does for Keycloak.
 * Its default credentials are S3RVER/S3RVER, the upload service's defaults.
 */
export async function startDevS3IfNeeded(): Promise<{ endpoint: string; close: () => Promise<void> } | undefined> {
  const env = loadConfig(z.object({ S3_ENDPOINT: httpUrl.default('http://127.0.0.1:9000') }));
  const url = new URL(env.S3_ENDPOINT);
  const port = Number(url.port || 80);
  if (!LOCAL_HOSTS.has(url.hostname) || (await answers(url.hostname.replace(/^\[|\]$/g, ''), port))) return undefined;
  refuseInProduction('The dev S3 server (s3rver)');
  const directory = join(ROOT, 'tmp', 's3rver');
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true });
  await server.run();
  return { endpoint: env.S3_ENDPOINT, close: () => server.close() };
}

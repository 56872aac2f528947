import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/**
 * s3rver in a process of its own for `npm run bench:upload`, as MinIO is its own server: in the
 * bench process it shared one event loop with the client that generates the upload, so the
 * through-the-edge run was measured against a server starved by its own client.
 */
async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'tp-bench-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: Number(process.env['PORT']), directory, silent: true });
  await server.run();
  process.once('SIGTERM', () => {
    rmSync(directory, { recursive: true, force: true });
    process.exit(0);
  });
}

void main();

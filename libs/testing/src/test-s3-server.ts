import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { freePort } from './service-process';

export interface S3Server {
  endpoint: string;
  directory: string;
  bucketDir: (bucket: string) => string;
  close: () => Promise<void>;
}

/** s3rver (a real S3-protocol server) on a free port over a fresh temporary directory. */
export async function startS3Server(): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'tp-s3rver-'));
  const port = await freePort();
  const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true });
  await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    bucketDir: (bucket) => join(directory, bucket),
    close: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

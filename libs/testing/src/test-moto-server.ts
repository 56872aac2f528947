import { spawn } from 'node:child_process';
import { freePort } from './service-process';

export interface MotoServer {
  endpoint: string;
  close: () => Promise<void>;
}

/**
 * moto_server (moto 5, an independent S3 implementation with ListParts and AbortMultipartUpload,
 * which s3rver lacks) on a free port, in memory. A machine without it fails the test that asked
 * for it, never skips it: install moto[server] (pip) to run the resumable uploads' tests.
 */
export async function startMotoServer(timeoutMs = 20_000): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const failed = new Promise<never>((_resolve, reject) => {
    child.once('error', (err) => reject(new Error(`moto_server could not start (is it on PATH? pip install 'moto[server]'): ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`moto_server exited (${code}):\n${output}`)));
  });
  failed.catch(() => undefined);
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const up = await Promise.race([
      fetch(`${endpoint}/`, { signal: AbortSignal.timeout(500) }).then(
        () => true,
        () => false,
      ),
      failed,
    ]);
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    endpoint,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

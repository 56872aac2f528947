import { createServer } from 'node:net';
import { freePort } from './service-process';

describe('freePort', () => {
  it('hands out distinct ports below the kernel ephemeral range, so no outgoing connection can take one', async () => {
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(new Set(ports).size).toBe(50);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(32_768);
    }
  });

  it('hands out a port a service can bind on every address', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '0.0.0.0', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

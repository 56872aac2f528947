import { createHmac } from 'node:crypto';
import { postMultipart } from './support/multipart-client';
import { startUploadStack, type UploadStack } from './support/upload-stack';

const FILES = 3;

describe('one client identity for the anonymous quota (through the edge)', () => {
  let stack: UploadStack;

  beforeAll(async () => {
    // The edge trusts its loopback peer (TRUSTED_PROXIES default): a test names any client IP as nginx would.
    // The upload service trusts only the edge's address, 127.0.0.1.
    stack = await startUploadStack({ env: { ANONYMOUS_QUOTA_FILES: String(FILES), TRUSTED_PROXIES: '127.0.0.1/32' } });
  }, 60_000);
  afterAll(() => stack?.stop());

  const fromClient = (clientIp: string) =>
    postMultipart(`${stack.edgeUrl}/api/v1/upload/anonymous`, [{ filename: 'a.txt', size: 100 }], { headers: { 'x-forwarded-for': clientIp } });

  it('counts every address of one IPv6 /64 as one client: a sweep of the /64 gets 429 after the quota', async () => {
    const statuses: number[] = [];
    for (let n = 1; n <= FILES + 2; n += 1) statuses.push((await fromClient(`2001:db8:aa:1::${n.toString(16)}`)).status);

    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    // The next /64 is another client.
    expect((await fromClient('2001:db8:aa:2::1')).status).toBe(201);
  });

  it('also counts the whole /48 at 10× the numbers, so rotating /64s ends too', async () => {
    const statuses: number[] = [];
    for (let subnet = 1; subnet <= 11; subnet += 1) {
      for (let n = 1; n <= FILES; n += 1) statuses.push((await fromClient(`2001:db8:bb:${subnet.toString(16)}::${n}`)).status);
    }
    expect(statuses.slice(0, 10 * FILES).every((status) => status === 201)).toBe(true);
    const refused = await fromClient('2001:db8:bb:ff::1');
    expect(statuses.slice(10 * FILES)).toEqual([429, 429, 429]);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ details: { quota: 'files', scope: 'network', limit: 10 * FILES } });
    // Another /48 is unaffected.
    expect((await fromClient('2001:db8:cc:1::1')).status).toBe(201);
  }, 120_000);

  it('treats an IPv4-mapped IPv6 address as the IPv4 address itself', async () => {
    expect((await fromClient('198.51.100.7')).status).toBe(201);
    expect((await fromClient('::ffff:198.51.100.7')).status).toBe(201);
    expect((await fromClient('198.51.100.7')).status).toBe(201);
    expect((await fromClient('::ffff:198.51.100.7')).status).toBe(429);
  });

  it('believes X-Forwarded-For only from TRUSTED_PROXIES: a peer sending straight to the service is counted by its own address', async () => {
    const reply = await postMultipart(`${stack.serviceUrl}/api/v1/upload/anonymous`, [{ filename: 'a.txt', size: 100 }], {
      headers: { 'x-forwarded-for': '203.0.113.99' },
      localAddress: '127.0.0.5',
    });
    expect(reply.status).toBe(201);
    const id = (reply.body['files'] as Array<{ id: string }>)[0]!.id;
    const row = await stack.uploads.findById(id);
    const hash = (ip: string) => createHmac('sha256', stack.config.ipHashSecret).update(ip).digest('hex');
    expect(row?.ipHash).toBe(hash('127.0.0.5'));
  });
});

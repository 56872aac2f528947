import { postMultipart } from './support/multipart-client';
import { MB, startUploadStack, type UploadStack } from './support/upload-stack';

describe('uploads_total: each upload counted by tier where its outcome is decided', () => {
  let stack: UploadStack;
  // One anonymous file per IP, so the second one is over the quota.
  beforeAll(async () => (stack = await startUploadStack({ env: { ANONYMOUS_QUOTA_FILES: '1' } })));
  afterAll(() => stack?.stop());

  const upload = (parts: Parameters<typeof postMultipart>[1], options: Parameters<typeof postMultipart>[2] = {}) =>
    postMultipart(`${stack.edgeUrl}/api/v1/upload${options.token ? '' : '/anonymous'}`, parts, options);
  const count = (tier: string, outcome: string) => stack.metricValue('uploads_total', { tier, outcome });

  it('counts a stored upload and observes its size', async () => {
    expect((await upload([{ filename: 'a.txt', size: 1000 }], { token: stack.tokens.free })).status).toBe(201);

    expect(await count('FREE', 'stored')).toBe(1);
    expect(await stack.metricValue('upload_size_bytes_count', { tier: 'FREE' })).toBe(1);
  });

  it('counts refusals by what refused them: size, batch, form, quota', async () => {
    const tooLarge = await upload([{ filename: 'big.bin', size: 16 * MB }], { token: stack.tokens.free });
    const batch = await upload([{ field: 'files', filename: 'a.txt', size: 10 }, { field: 'files', filename: 'b.txt', size: 10 }], { token: stack.tokens.free });
    const wrongField = await upload([{ field: 'document', filename: 'a.txt', size: 10 }], { token: stack.tokens.free });
    const anonymous = [await upload([{ filename: 'a.txt', size: 10 }]), await upload([{ filename: 'b.txt', size: 10 }])];

    expect([tooLarge.status, batch.status, wrongField.status, ...anonymous.map((reply) => reply.status)]).toEqual([413, 403, 400, 201, 429]);
    expect(await count('FREE', 'too_large')).toBe(1);
    expect(await count('FREE', 'forbidden')).toBe(1);
    expect(await count('FREE', 'rejected')).toBe(1);
    expect(await count('ANONYMOUS', 'stored')).toBe(1);
    expect(await count('ANONYMOUS', 'over_quota')).toBe(1);
  });

  it('does not count a request refused before its tier is known', async () => {
    const before = await stack.metricValue('uploads_total');

    // Straight to the service: its own token check refuses it, before any tier is decided.
    const reply = await postMultipart(`${stack.serviceUrl}/api/v1/upload`, [{ filename: 'a.txt', size: 10 }], { token: 'not-a-token' });

    expect(reply.status).toBe(401);
    expect(await stack.metricValue('uploads_total')).toBe(before);
  });
});

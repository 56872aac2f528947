import { eventually } from '@tp/testing';
import { postMultipart } from './support/multipart-client';
import { MB, startUploadStack, type UploadStack } from './support/upload-stack';

describe('anonymous, batch and filename handling (through the edge)', () => {
  let stack: UploadStack;
  beforeAll(async () => (stack = await startUploadStack({ env: { LOG_LEVEL: 'error' } })));
  afterAll(() => stack?.stop());

  const url = (path: string) => `${stack.edgeUrl}${path}`;

  describe('POST /api/v1/upload/anonymous', () => {
    it('accepts 15 MB without a token, returns a read-back token and stores only an IP hash', async () => {
      const reply = await postMultipart(url('/api/v1/upload/anonymous'), [{ filename: 'notes.txt', size: 15 * MB }]);

      expect(reply.status).toBe(201);
      const [file] = reply.body['files'] as Array<Record<string, unknown>>;
      expect(file).toMatchObject({ size: 15 * MB, status: 'queued', token: expect.stringMatching(/^[\w-]{32}$/) });
      const { rows } = await stack.db.database.pool.query<{ ip_hash: string; token_hash: string; user_id: string | null; expires_at: Date }>(
        'SELECT ip_hash, token_hash, user_id, expires_at FROM uploads WHERE id = $1',
        [file!['id']],
      );
      expect(rows[0]!.user_id).toBeNull();
      expect(rows[0]!.ip_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0]!.ip_hash).not.toContain('127.0.0.1');
      expect(rows[0]!.token_hash).not.toBe(file!['token']);
      const ttlHours = (rows[0]!.expires_at.getTime() - Date.now()) / 3_600_000;
      expect(ttlHours).toBeGreaterThan(23.9);
      expect(ttlHours).toBeLessThanOrEqual(24);
    });

    it('refuses more than 15 MB with 413 and the FREE upgrade link', async () => {
      const reply = await postMultipart(url('/api/v1/upload/anonymous'), [{ filename: 'big.bin', size: 15 * MB + 1 }], { chunked: true });

      expect(reply.status).toBe(413);
      expect(reply.body).toMatchObject({ error: 'payload_too_large', upgradeUrl: '/pricing', details: { limit: 15 * MB, tier: 'ANONYMOUS' } });
    });

    it('shows the upload to the token holder and 404 to anyone else', async () => {
      const reply = await postMultipart(url('/api/v1/upload/anonymous'), [{ filename: 'a.txt', size: 100 }]);
      const [file] = reply.body['files'] as Array<{ id: string; token: string }>;

      const owner = await fetch(url(`/api/v1/upload/anonymous/${file!.id}`), { headers: { 'x-upload-token': file!.token } });
      expect(owner.status).toBe(200);
      expect(await owner.json()).toMatchObject({ id: file!.id, name: 'a.txt', size: 100, status: 'queued' });

      expect((await fetch(url(`/api/v1/upload/anonymous/${file!.id}`), { headers: { 'x-upload-token': 'wrong' } })).status).toBe(404);
      expect((await fetch(url(`/api/v1/upload/anonymous/${file!.id}`))).status).toBe(404);
      const stranger = await fetch(url(`/api/v1/upload/${file!.id}`), { headers: { authorization: `Bearer ${stack.tokens.free}` } });
      expect(stranger.status).toBe(404);
    });

    it('refuses the read-back token in the query string with a 400 JSON error, right token or not', async () => {
      const reply = await postMultipart(url('/api/v1/upload/anonymous'), [{ filename: 'q.txt', size: 10 }]);
      const [file] = reply.body['files'] as Array<{ id: string; token: string }>;
      for (const path of [`/api/v1/upload/anonymous/${file!.id}?token=${file!.token}`, `/api/v1/upload/${file!.id}?token=${file!.token}`]) {
        const refused = await fetch(url(path), { headers: { authorization: `Bearer ${stack.tokens.free}` } });
        expect({ path, status: refused.status }).toEqual({ path, status: 400 });
        expect(await refused.json()).toMatchObject({ error: 'validation_failed', message: expect.stringContaining('X-Upload-Token'), requestId: expect.any(String) });
      }
      const anonymous = await fetch(url(`/api/v1/upload/anonymous/${file!.id}?token=${file!.token}`));
      expect(anonymous.status).toBe(400);
    });
  });

  describe('batches', () => {
    it('answers 403 with the upgrade link when a FREE user sends two files, and keeps nothing', async () => {
      const before = await stack.listKeys();

      const reply = await postMultipart(
        url('/api/v1/upload'),
        [
          { filename: 'one.txt', size: 1000 },
          { filename: 'two.txt', size: 1000 },
        ],
        { token: stack.tokens.free },
      );

      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({ error: 'forbidden', upgradeUrl: '/pricing' });
      await eventually(async () => (await stack.listKeys()).length === before.length);
    });

    it('stores a PREMIUM batch of three files and answers with three entries', async () => {
      const reply = await postMultipart(
        url('/api/v1/upload'),
        [1, 2, 3].map((n) => ({ field: 'files', filename: `part-${n}.bin`, size: n * MB })),
        { token: stack.tokens.premium },
      );

      expect(reply.status).toBe(201);
      const files = reply.body['files'] as Array<Record<string, unknown>>;
      expect(files.map((file) => [file['name'], file['size'], file['sha256']])).toEqual([
        ['part-1.bin', MB, reply.sha256s[0]],
        ['part-2.bin', 2 * MB, reply.sha256s[1]],
        ['part-3.bin', 3 * MB, reply.sha256s[2]],
      ]);
    });

    it('refuses a PREMIUM batch whose second file passes 200 MB with 413 and keeps none of its files', async () => {
      const before = await stack.listKeys();
      const reply = await postMultipart(
        url('/api/v1/upload'),
        [
          { field: 'files', filename: 'first.bin', size: MB },
          { field: 'files', filename: 'too-big.bin', size: 201 * MB },
          { field: 'files', filename: 'never.bin', size: MB },
        ],
        { token: stack.tokens.premium },
      );

      expect(reply.status).toBe(413);
      expect(reply.body).toMatchObject({ error: 'payload_too_large', requestId: expect.any(String) });
      // The first file was stored before the second failed: it is removed, the third never starts.
      await eventually(async () => (await stack.listKeys()).length === before.length);
    });
  });

  describe('filenames', () => {
    async function storedName(filename: string): Promise<string> {
      const reply = await postMultipart(url('/api/v1/upload'), [{ filename, size: 10 }], { token: stack.tokens.free });
      expect(reply.status).toBe(201);
      return (reply.body['files'] as Array<{ name: string }>)[0]!.name;
    }

    it('drops path components from a traversal attempt', async () => {
      expect(await storedName('../../etc/passwd')).toBe('passwd');
      expect(await storedName('..\\..\\windows\\win.ini')).toBe('win.ini');
    });

    it('removes control characters (CR/LF arrive %-escaped as browsers send them, tab raw) and leading dots', async () => {
      expect(await storedName('evil%0Aname%0D\t.txt')).toBe('evilname.txt');
      expect(await storedName('...hidden')).toBe('hidden');
    });

    it('stores a name with raw control bytes in the part header with them removed', async () => {
      expect(await storedName('\u0001evil\u001b.txt')).toBe('evil.txt');
    });

    it('stores names from a real FormData client (fetch) without control or bidi characters', async () => {
      const storedViaFormData = async (filename: string) => {
        const form = new FormData();
        form.append('file', new Blob(['hello']), filename);
        const response = await fetch(url('/api/v1/upload'), { method: 'POST', headers: { authorization: `Bearer ${stack.tokens.free}` }, body: form });
        const body = (await response.json()) as { files?: Array<{ name: string; size: number }> };
        expect(response.status).toBe(201);
        return body.files![0]!;
      };

      expect(await storedViaFormData('a\u0007b.txt')).toMatchObject({ name: 'ab.txt', size: 5 });
      expect(await storedViaFormData('invoice\u202Efdp.exe')).toMatchObject({ name: 'invoicefdp.exe', size: 5 });
      expect(await storedViaFormData('\u0007\u202E')).toMatchObject({ name: 'file', size: 5 });
    });

    it('keeps a UTF-8 name intact (NFC)', async () => {
      expect(await storedName('Übersicht – 報告書 ✓.pdf')).toBe('Übersicht – 報告書 ✓.pdf');
      expect(await storedName('Cafe\u0301.txt')).toBe('Café.txt');
    });

    it('never uses the name in the object key', async () => {
      const reply = await postMultipart(url('/api/v1/upload'), [{ filename: '../../x.txt', size: 10 }], { token: stack.tokens.free });
      const { rows } = await stack.db.database.pool.query<{ object_key: string }>('SELECT object_key FROM uploads WHERE id = $1', [
        (reply.body['files'] as Array<{ id: string }>)[0]!.id,
      ]);
      // Opaque: no name, no user id, nothing guessable (opaque-object-key.ts).
      expect(rows[0]!.object_key).toMatch(/^files\/[0-9a-f]{32}$/);
    });
  });
});

describe('batch uploads with FEATURE_PREMIUM_TOOLS_ENABLED=false', () => {
  let stack: UploadStack;

  beforeAll(async () => {
    stack = await startUploadStack({ env: { FEATURE_PREMIUM_TOOLS_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 503 to a PREMIUM batch and still takes a single file', async () => {
    const premium = await stack.tokenFor('premium@example.com');
    const batch = await postMultipart(
      `${stack.edgeUrl}/api/v1/upload`,
      [1, 2].map((n) => ({ field: 'files', filename: `f${n}.txt`, size: 100 })),
      { token: premium },
    );
    expect(batch.status).toBe(503);
    expect(batch.body).toMatchObject({ error: 'service_unavailable' });

    const single = await postMultipart(`${stack.edgeUrl}/api/v1/upload`, [{ filename: 'f.txt', size: 100 }], { token: premium });
    expect(single.status).toBe(201);
  });
});

describe('batch uploads with the premium-tools flag disabled in the database', () => {
  let stack: UploadStack;

  beforeAll(async () => {
    stack = await startUploadStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 503 to a PREMIUM batch while the flag is off, and 201 once it is on again', async () => {
    const premium = await stack.tokenFor('premium@example.com');
    const sendBatch = () =>
      postMultipart(
        `${stack.edgeUrl}/api/v1/upload`,
        [1, 2].map((n) => ({ field: 'files', filename: `f${n}.txt`, size: 100 })),
        { token: premium },
      );
    await stack.db.database.pool.query(`INSERT INTO feature_flags (key, enabled) VALUES ('premium-tools', false)`);
    stack.flags.invalidate();
    expect((await sendBatch()).status).toBe(503);

    await stack.db.database.pool.query(`UPDATE feature_flags SET enabled = true WHERE key = 'premium-tools'`);
    stack.flags.invalidate();
    const accepted = await sendBatch();
    expect(accepted.status).toBe(201);
    expect(accepted.body.files).toHaveLength(2);
  });
});

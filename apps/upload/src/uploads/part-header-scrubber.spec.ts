import { AmbiguousMultipartError, PartHeaderScrubber, multipartBoundary } from './part-header-scrubber';

const BOUNDARY = '----scrub-test-7f2a';

function form(parts: Array<{ name: string; filename?: string; body: Buffer | string }>): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n\r\n`, 'utf8'));
    chunks.push(Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/** Scrubs `input` cut into `size`-byte chunks, as a socket would deliver it. */
function scrubInChunks(input: Buffer, size: number, boundary = BOUNDARY): Buffer {
  const scrubber = new PartHeaderScrubber(boundary);
  const out: Buffer[] = [];
  for (let offset = 0; offset < input.length; offset += size) out.push(scrubber.scrub(input.subarray(offset, offset + size)));
  return Buffer.concat(out);
}

describe('PartHeaderScrubber', () => {
  it('removes a raw BEL byte from a filename in the part header', () => {
    const body = form([{ name: 'file', filename: 'a\u0007b.txt', body: 'hello' }]);

    expect(scrubInChunks(body, body.length)).toEqual(form([{ name: 'file', filename: 'ab.txt', body: 'hello' }]));
  });

  it('never touches control bytes inside file contents', () => {
    const content = Buffer.from([0x00, 0x07, 0x1b, 0x7f, 0x0d, 0x0a, 0x2d, 0x2d, 0x01]);
    const body = form([{ name: 'file', filename: 'x\u001b.bin', body: content }]);

    expect(scrubInChunks(body, 1 << 16)).toEqual(form([{ name: 'file', filename: 'x.bin', body: content }]));
  });

  it('scrubs every part of a batch whatever the chunk size', () => {
    const almostDelimiter = `\r\n--${BOUNDARY.slice(0, 5)}\u0007`;
    const body = form([
      { name: 'files', filename: '\u0001one.txt', body: '1\u0007' },
      { name: 'files', filename: 'tw\u007fo.txt', body: almostDelimiter },
      { name: 'files', filename: 'three\u0008.txt', body: '' },
    ]);
    const expected = form([
      { name: 'files', filename: 'one.txt', body: '1\u0007' },
      { name: 'files', filename: 'two.txt', body: almostDelimiter },
      { name: 'files', filename: 'three.txt', body: '' },
    ]);

    for (const size of [1, 2, 3, 7, 13, BOUNDARY.length, 64, body.length]) {
      expect(scrubInChunks(body, size)).toEqual(expected);
    }
  });

  it('keeps tabs, UTF-8 and the other header bytes', () => {
    const body = form([{ name: 'file', filename: 'tab\there \u202e ünï.txt', body: 'x' }]);
    expect(scrubInChunks(body, 3)).toEqual(body);
  });

  it('returns a body without part headers to scrub unchanged', () => {
    const body = Buffer.from('no multipart delimiter here \u0007 at all');
    expect(scrubInChunks(body, 5)).toEqual(body);
  });

  it('keeps the epilogue after the closing delimiter as it is', () => {
    const body = Buffer.concat([form([{ name: 'file', filename: 'a.txt', body: 'x' }]), Buffer.from('epilogue\u0007')]);
    expect(scrubInChunks(body, 4)).toEqual(body);
  });
});

describe('PartHeaderScrubber: where busboy could read the body differently', () => {
  const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n`;

  it('refuses a delimiter followed by neither CRLF nor --, instead of guessing', () => {
    const body = Buffer.from(`${head}x\r\n--${BOUNDARY}X\u0007junk\r\n\r\nmore`);
    expect(() => scrubInChunks(body, 7)).toThrow(AmbiguousMultipartError);
  });

  it('refuses a delimiter inside a header block, also one that only scrubbing would make', () => {
    const inside = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data\r\n--${BOUNDARY}\r\nX: y\r\n\r\nbody`);
    expect(() => scrubInChunks(inside, 5)).toThrow(AmbiguousMultipartError);
    const made = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a\r\u0001\n--${BOUNDARY}"\r\n\r\nbody`);
    expect(() => scrubInChunks(made, 64)).toThrow(AmbiguousMultipartError);
  });

  it('refuses a header block past 16 KiB', () => {
    const body = Buffer.from(`--${BOUNDARY}\r\nX-Long: ${'a'.repeat(17 * 1024)}\r\n\r\n`);
    expect(() => scrubInChunks(body, 1024)).toThrow(AmbiguousMultipartError);
  });

  it('matches a non-ASCII boundary as UTF-8 bytes, as busboy does', () => {
    const boundary = 'grenzé';
    const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a\u0007.txt"\r\n\r\nx\r\n--${boundary}--\r\n`, 'utf8');
    const expected = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nx\r\n--${boundary}--\r\n`, 'utf8');
    expect(scrubInChunks(body, 3, boundary)).toEqual(expected);
  });

  it('passes a file of every byte value, control bytes and CRLFs included, through unchanged', () => {
    const content = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7) % 256));
    const body = form([{ name: 'file', filename: 'all.bin', body: content }]);
    for (const size of [1, 5, 64, body.length]) expect(scrubInChunks(body, size)).toEqual(body);
  });
});

describe('multipartBoundary', () => {
  it("takes the boundary busboy takes from a header with a decoy inside a quoted parameter", () => {
    expect(multipartBoundary('multipart/form-data; x="; boundary=AAA"; boundary=BBB')).toBe('BBB');
  });

  it('reads a plain or quoted boundary and nothing else', () => {
    expect(multipartBoundary('multipart/form-data; boundary=----abc')).toBe('----abc');
    expect(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
    expect(multipartBoundary('multipart/form-data')).toBeUndefined();
    expect(multipartBoundary(undefined)).toBeUndefined();
    expect(multipartBoundary('text/plain; boundary=abc')).toBeUndefined();
  });
});

import { sanitizeFilename } from './sanitize-filename';

describe('sanitizeFilename', () => {
  it.each([
    ['a\u0007b.txt', 'ab.txt'],
    ['\u0000nul\u001f.txt', 'nul.txt'],
    ['del\u007f.txt', 'del.txt'],
    ['c1\u0085\u009f.txt', 'c1.txt'],
    ['tab\there.txt', 'tabhere.txt'],
    ['line\r\nbreak.txt', 'linebreak.txt'],
  ])('removes control characters: %j → %j', (original, expected) => {
    expect(sanitizeFilename(original)).toBe(expected);
  });

  it.each([
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['\u202Atext\u202C.txt', 'text.txt'],
    ['iso\u2066late\u2069.txt', 'isolate.txt'],
    ['mark\u200E\u200F\u061C.txt', 'mark.txt'],
  ])('removes bidi overrides, isolates and marks: %j → %j', (original, expected) => {
    expect(sanitizeFilename(original)).toBe(expected);
  });

  it('keeps only the last path component', () => {
    expect(sanitizeFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFilename('C:\\Users\\me\\report.pdf')).toBe('report.pdf');
  });

  it('drops leading dots and spaces and trailing spaces', () => {
    expect(sanitizeFilename('...hidden')).toBe('hidden');
    expect(sanitizeFilename('  . name.txt  ')).toBe('name.txt');
  });

  it('normalises to NFC and keeps other Unicode', () => {
    expect(sanitizeFilename('Cafe\u0301.txt')).toBe('Café.txt');
    expect(sanitizeFilename('報告書 ✓.pdf')).toBe('報告書 ✓.pdf');
  });

  it('falls back to "file" when nothing is left', () => {
    expect(sanitizeFilename(undefined)).toBe('file');
    expect(sanitizeFilename('\u0007\u202E')).toBe('file');
    expect(sanitizeFilename('../..')).toBe('file');
  });

  it('caps the length at 200 characters, keeping the extension and surrogate pairs whole', () => {
    const capped = sanitizeFilename(`${'😀'.repeat(150)}.txt`);
    expect(capped.length).toBeLessThanOrEqual(200);
    expect(capped.endsWith('😀.txt')).toBe(true);
  });

  it('keeps a name of exactly 200 characters and cuts a longer one to exactly 200', () => {
    const exact = `${'a'.repeat(196)}.txt`;
    expect(sanitizeFilename(exact)).toBe(exact);
    expect(sanitizeFilename(`${'a'.repeat(300)}.txt`)).toBe(`${'a'.repeat(196)}.txt`);
    expect(sanitizeFilename('b'.repeat(201))).toBe('b'.repeat(200));
  });

  it('never cuts inside a surrogate pair: a pair that does not fit is left out whole', () => {
    expect(sanitizeFilename(`a${'😀'.repeat(150)}`)).toBe(`a${'😀'.repeat(99)}`);
  });

  it('keeps an extension of up to 16 characters with its dot, cutting a longer one with the stem', () => {
    const sixteen = `.${'e'.repeat(15)}`;
    expect(sanitizeFilename(`${'a'.repeat(250)}${sixteen}`)).toBe(`${'a'.repeat(184)}${sixteen}`);
    const seventeen = `.${'e'.repeat(16)}`;
    expect(sanitizeFilename(`${'a'.repeat(250)}${seventeen}`)).toBe('a'.repeat(200));
  });
});

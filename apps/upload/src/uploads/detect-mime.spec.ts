import { crc32 } from 'node:zlib';
import { detectMime, MIME_SNIFF_BYTES } from './detect-mime';

/** An ISO BMFF file's first box: `ftyp` with a major brand and compatible brands, then an empty `mdat`. */
function ftyp(major: string, ...compatible: string[]): Buffer {
  const brands = Buffer.from(`${major}\0\0\0\0${compatible.join('')}`, 'latin1');
  const box = Buffer.concat([Buffer.alloc(4), Buffer.from('ftyp'), brands]);
  box.writeUInt32BE(box.length, 0);
  return Buffer.concat([box, Buffer.from([0, 0, 0, 8]), Buffer.from('mdat')]);
}

/** A ZIP of stored (uncompressed) entries, local headers only, as the first bytes of an archive are. */
function zip(entries: Array<[name: string, content: string]>): Buffer {
  return Buffer.concat(
    entries.map(([name, content]) => {
      const data = Buffer.from(content);
      const header = Buffer.alloc(30);
      header.writeUInt32LE(0x04034b50, 0);
      header.writeUInt16LE(20, 4);
      header.writeUInt32LE(crc32(data), 14);
      header.writeUInt32LE(data.length, 18);
      header.writeUInt32LE(data.length, 22);
      header.writeUInt16LE(Buffer.byteLength(name), 26);
      return Buffer.concat([header, Buffer.from(name), data]);
    }),
  );
}

const contentTypes = (main: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  `<Override PartName="/main.xml" ContentType="application/vnd.openxmlformats-officedocument.${main}.main+xml"/></Types>`;
const office = (main: string, folder: string) => zip([['[Content_Types].xml', contentTypes(main)], [`${folder}/main.xml`, '<x/>']]);

const text = (start: string) => Buffer.from(`${start} is how this plain text file starts.\nIt has a second line too.\n`);

describe('detectMime', () => {
  it.each([
    ['HEIC', ftyp('heic', 'mif1', 'heic'), 'image/heic'],
    ['MOV', ftyp('qt  ', 'qt  '), 'video/quicktime'],
    ['M4A', ftyp('M4A ', 'M4A ', 'mp42', 'isom'), 'audio/x-m4a'],
    ['MP4', ftyp('isom', 'isom', 'mp41'), 'video/mp4'],
  ])('tells %s from its ftyp brand, not every ftyp file an mp4', async (_format, head, mime) => {
    expect(await detectMime(head)).toBe(mime);
  });

  it.each([
    ['DOCX', office('wordprocessingml.document', 'word'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['XLSX', office('spreadsheetml.sheet', 'xl'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['PPTX', office('presentationml.presentation', 'ppt'), 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
    ['a plain ZIP', zip([['notes.txt', 'hello']]), 'application/zip'],
  ])('tells %s apart from other ZIP archives', async (_format, head, mime) => {
    expect(await detectMime(head)).toBe(mime);
  });

  it.each(['BM', 'MZ', 'GIF', 'ID3', 'BZh', 'FWS', 'MP+'])('calls text starting with %s text, not a binary format', async (start) => {
    expect(await detectMime(text(start))).toBe('text/plain');
  });

  it('still tells real BMP, executable and GIF headers by those letters', async () => {
    const bmp = Buffer.alloc(64);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(64, 2);
    bmp.writeUInt32LE(54, 10);
    bmp.writeUInt32LE(40, 14);
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.from([0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff])]);
    const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([1, 0, 1, 0, 0x80, 0, 0])]);

    expect(await detectMime(bmp)).toBe('image/bmp');
    expect(await detectMime(exe)).toBe('application/x-msdownload');
    expect(await detectMime(gif)).toBe('image/gif');
  });

  it('keeps the formats it told before: PDF (even all ASCII), PNG, JPEG, text, unknown bytes', async () => {
    expect(await detectMime(Buffer.from('%PDF-1.7\n%test\n1 0 obj\n<<>>\nendobj\n'))).toBe('application/pdf');
    expect(await detectMime(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]))).toBe('image/png');
    expect(await detectMime(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0]))).toBe('image/jpeg');
    expect(await detectMime(Buffer.from('Übersicht – 報告書\n'))).toBe('text/plain');
    expect(await detectMime(Buffer.from([0x00, 0x13, 0x37, 0xfe, 0x01]))).toBe('application/octet-stream');
    expect(await detectMime(Buffer.alloc(0))).toBe('application/octet-stream');
  });

  it('calls a file with the PNG signature but a damaged first chunk a PNG still', async () => {
    expect(await detectMime(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x58, 0x58, 0x58, 0x58]))).toBe('image/png');
  });

  it('reads a text cut mid-character at the end of the sample as text', async () => {
    const head = Buffer.from(`${'a'.repeat(MIME_SNIFF_BYTES - 1)}ü`).subarray(0, MIME_SNIFF_BYTES);
    expect(await detectMime(head)).toBe('text/plain');
  });
});

/** How many leading bytes the detector needs to see. */
export const MIME_SNIFF_BYTES = 64;

export const UNKNOWN_MIME = 'application/octet-stream';

interface Signature {
  mime: string;
  offset: number;
  bytes: number[];
  /** A second signature that must also match (e.g. RIFF....WEBP). */
  and?: { offset: number; bytes: number[] };
}

const ascii = (text: string) => Array.from(text, (char) => char.charCodeAt(0));

// A small table of our own instead of `file-type`: v17+ is ESM-only (this code base is CommonJS
// run by tsx/Jest/esbuild) and v16's CommonJS build is unmaintained; the formats our tools take
// are few and their signatures fixed.
const SIGNATURES: Signature[] = [
  { mime: 'application/pdf', offset: 0, bytes: ascii('%PDF-') },
  { mime: 'image/png', offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mime: 'image/jpeg', offset: 0, bytes: [0xff, 0xd8, 0xff] },
  { mime: 'image/gif', offset: 0, bytes: ascii('GIF8') },
  { mime: 'image/webp', offset: 0, bytes: ascii('RIFF'), and: { offset: 8, bytes: ascii('WEBP') } },
  { mime: 'audio/wav', offset: 0, bytes: ascii('RIFF'), and: { offset: 8, bytes: ascii('WAVE') } },
  { mime: 'image/bmp', offset: 0, bytes: ascii('BM') },
  { mime: 'image/tiff', offset: 0, bytes: [0x49, 0x49, 0x2a, 0x00] },
  { mime: 'image/tiff', offset: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { mime: 'video/mp4', offset: 4, bytes: ascii('ftyp') },
  { mime: 'audio/mpeg', offset: 0, bytes: ascii('ID3') },
  { mime: 'audio/ogg', offset: 0, bytes: ascii('OggS') },
  { mime: 'audio/flac', offset: 0, bytes: ascii('fLaC') },
  { mime: 'application/zip', offset: 0, bytes: [0x50, 0x4b, 0x03, 0x04] },
  { mime: 'application/gzip', offset: 0, bytes: [0x1f, 0x8b] },
  { mime: 'application/x-7z-compressed', offset: 0, bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { mime: 'application/x-rar-compressed', offset: 0, bytes: ascii('Rar!') },
  { mime: 'application/x-msdownload', offset: 0, bytes: ascii('MZ') },
  { mime: 'application/x-executable', offset: 0, bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { mime: 'application/x-ole-storage', offset: 0, bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] },
];

function matchesAt(head: Buffer, offset: number, bytes: number[]): boolean {
  if (head.length < offset + bytes.length) return false;
  return bytes.every((byte, index) => head[offset + index] === byte);
}

/** Printable UTF-8 with no NULs reads as text; anything else stays binary. */
function looksLikeText(head: Buffer): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  const text = head.toString('utf8');
  // A multi-byte character cut at the end of the sniff window decodes to one U+FFFD at most.
  const replacements = (text.match(/\uFFFD/g) ?? []).length;
  // eslint-disable-next-line no-control-regex
  return replacements <= 1 && !/[\u0000-\u0008\u000e-\u001f]/.test(text);
}

/** The MIME type from the file's first bytes; the client's Content-Type is never trusted. */
export function detectMime(head: Buffer): string {
  const signature = SIGNATURES.find(
    (candidate) => matchesAt(head, candidate.offset, candidate.bytes) && (!candidate.and || matchesAt(head, candidate.and.offset, candidate.and.bytes)),
  );
  if (signature) return signature.mime;
  return looksLikeText(head) ? 'text/plain' : UNKNOWN_MIME;
}

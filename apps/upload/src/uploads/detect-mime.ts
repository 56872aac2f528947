import { fileTypeFromBuffer } from 'file-type';

/** How many leading bytes the detector sees: file-type's own sample size (`reasonableDetectionSizeInBytes`). */
export const MIME_SNIFF_BYTES = 4100;

export const UNKNOWN_MIME = 'application/octet-stream';
export const TEXT_MIME = 'text/plain';

/**
 * Formats file-type tells by two or three printable ASCII bytes alone (BMP `BM`, an executable
 * `MZ`, `GIF`, `ID3`, `BZh`, `FWS`/`CWS`, `DSD`, `MAC`, `MP+`): found by running it on every two-
 * and three-character text start. Any text may begin with those letters, and no real file of these
 * formats reads as text (their headers hold NULs and size fields), so for them text wins.
 * PostScript (`%!`) is left out: it is a text format, and `%!` is its magic.
 */
const TOLD_BY_LETTERS = new Set(['bmp', 'exe', 'gif', 'mp3', 'bz2', 'swf', 'dsf', 'ape', 'mpc']);

/**
 * file-type also checks a PNG's first chunk (IHDR); a file that carries the whole 8-byte PNG
 * signature but a damaged header is still meant as a PNG (libmagic and browsers go by the signature).
 */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Printable UTF-8 with no NULs reads as text; anything else stays binary. */
function looksLikeText(head: Buffer): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  const text = head.toString('utf8');
  // A multi-byte character cut at the end of the sniff window decodes to one U+FFFD at most.
  const replacements = (text.match(/\uFFFD/g) ?? []).length;
  // eslint-disable-next-line no-control-regex
  return replacements <= 1 && !/[\u0000-\u0008\u000e-\u001f]/.test(text);
}

/**
 * The MIME type from the file's first MIME_SNIFF_BYTES (the client's Content-Type is never
 * trusted): file-type's answer, else `text/plain` for text, else `application/octet-stream`.
 * Never rejects: a head file-type cannot parse is a file it does not know.
 */
export async function detectMime(head: Buffer): Promise<string> {
  const detected = await fileTypeFromBuffer(head).catch(() => undefined);
  const text = looksLikeText(head);
  if (detected && !(text && TOLD_BY_LETTERS.has(detected.ext))) return detected.mime;
  if (head.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) return 'image/png';
  return text ? TEXT_MIME : UNKNOWN_MIME;
}

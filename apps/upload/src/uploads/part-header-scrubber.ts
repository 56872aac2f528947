import { Transform } from 'node:stream';
import { parseContentType } from 'busboy/lib/utils.js';
import { ValidationError } from '@tp/errors';
import { refusal } from './upload-outcome';

const CR = 13;
const LF = 10;
const TAB = 9;
const DASH = 45;
const HEADER_END = [CR, LF, CR, LF];
/** busboy refuses part headers past 16 KiB; past this the request is refused here. */
const MAX_HEADER_BYTES = 16 * 1024;
const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from('\r\n');

/** C0 controls other than the TAB, CR and LF that frame headers, and DEL. */
const isStrayControl = (byte: number) => (byte < 0x20 && byte !== TAB && byte !== CR && byte !== LF) || byte === 0x7f;

/**
 * The `boundary` of a multipart/form-data Content-Type, read by busboy's own parser (the one
 * the intake's busboy reads it with), so the scrubber and busboy can never disagree on it:
 * `x="; boundary=AAA"; boundary=BBB` is BBB to both.
 */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  const parsed = contentType ? parseContentType(contentType) : undefined;
  if (parsed?.type !== 'multipart' || parsed.subtype !== 'form-data') return undefined;
  return typeof parsed.params.boundary === 'string' ? parsed.params.boundary : undefined;
}

export class AmbiguousMultipartError extends Error {
  constructor(what: string) {
    super(`Ambiguous multipart body: ${what}`);
    this.name = 'AmbiguousMultipartError';
  }
}

type State = 'body' | 'lead' | 'headers' | 'epilogue';

/**
 * Removes stray control bytes from multipart part headers, never from anything else.
 *
 * WHY: browsers (and undici's FormData) escape only CR, LF and `"` in a filename (WHATWG
 * multipart/form-data), so a file named `a\u0007b.txt` arrives with a raw BEL byte in its
 * Content-Disposition header, which busboy refuses as a "Malformed part header".
 *
 * It follows busboy's framing exactly (the same boundary, the delimiter `CRLF--boundary` as
 * UTF-8 bytes, found anywhere busboy's stream search finds it) and scrubs only a header block
 * busboy will parse as one: a delimiter followed by CRLF, up to the first CRLF CRLF. Where the
 * two could read the body differently the request is refused (AmbiguousMultipartError): a
 * delimiter followed by neither CRLF nor `--`, a delimiter inside a header block (counted on
 * the scrubbed bytes busboy sees), or a header block past 16 KiB. Bytes are only ever dropped
 * from header blocks, never held back, so there is nothing to flush; body bytes pass untouched.
 */
export class PartHeaderScrubber {
  private readonly delimiter: Buffer;
  /** The previous body bytes that could start a delimiter (at most its length - 1). */
  private tail: Buffer;
  private state: State = 'body';
  private leadByte = 0;
  private headerBytes = 0;
  private headerEndMatched = 0;
  /** Bytes of a delimiter matched so far in the lead and header bytes (CR occurs only at its start). */
  private delimiterMatched = 0;

  constructor(boundary: string) {
    // busboy: new StreamSearch(`\r\n--${boundary}`), a string needle, i.e. UTF-8.
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
    // busboy writes a CRLF before the body: the first delimiter needs none of its own.
    this.tail = CRLF;
  }

  /** The bytes busboy should parse for `chunk`; throws AmbiguousMultipartError. */
  scrub(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let rest = chunk;
    while (rest.length > 0 && this.state !== 'epilogue') {
      if (this.state === 'body') rest = this.passBody(rest, out);
      else if (this.state === 'lead') rest = this.passLead(rest, out);
      else rest = this.scrubHeaders(rest, out);
    }
    if (rest.length > 0) out.push(rest);
    if (out.length === 1) return out[0]!;
    return Buffer.concat(out);
  }

  /** Passes body bytes through unchanged up to and including the next delimiter. */
  private passBody(rest: Buffer, out: Buffer[]): Buffer {
    const keep = this.delimiter.length - 1;
    const window = Buffer.concat([this.tail, rest.subarray(0, keep)]);
    const straddling = window.indexOf(this.delimiter);
    const at = straddling !== -1 ? straddling - this.tail.length : rest.indexOf(this.delimiter);
    if (at === -1 && straddling === -1) {
      out.push(rest);
      this.tail = rest.length >= keep ? Buffer.from(rest.subarray(rest.length - keep)) : Buffer.from(window.subarray(-keep));
      return EMPTY;
    }
    const end = at + this.delimiter.length;
    out.push(rest.subarray(0, end));
    this.state = 'lead';
    this.leadByte = 0;
    this.delimiterMatched = 0;
    this.tail = EMPTY;
    return rest.subarray(end);
  }

  /** The two bytes after a delimiter, untouched: `--` ends the form, CRLF opens a header block. */
  private passLead(rest: Buffer, out: Buffer[]): Buffer {
    const byte = rest[0]!;
    out.push(rest.subarray(0, 1));
    this.trackDelimiter(byte);
    if (this.leadByte === 0) {
      if (byte !== DASH && byte !== CR) throw new AmbiguousMultipartError('a delimiter followed by neither CRLF nor --');
      this.leadByte = byte;
      return rest.subarray(1);
    }
    if (this.leadByte === DASH && byte === DASH) this.state = 'epilogue';
    else if (this.leadByte === CR && byte === LF) this.openHeaders();
    else throw new AmbiguousMultipartError('a delimiter followed by neither CRLF nor --');
    return rest.subarray(1);
  }

  private openHeaders(): void {
    this.state = 'headers';
    this.headerBytes = 0;
    // The lead CRLF counts: a header block that is only CRLF ends right there (busboy refuses it).
    this.headerEndMatched = 2;
  }

  /** Copies header bytes without stray controls until the blank line that ends them. */
  private scrubHeaders(rest: Buffer, out: Buffer[]): Buffer {
    const kept = Buffer.allocUnsafe(rest.length);
    let length = 0;
    for (let index = 0; index < rest.length; index += 1) {
      const byte = rest[index]!;
      this.headerBytes += 1;
      if (this.headerBytes > MAX_HEADER_BYTES) throw new AmbiguousMultipartError('a part header block past 16 KiB');
      if (isStrayControl(byte)) continue;
      kept[length++] = byte;
      this.trackDelimiter(byte);
      if (byte === HEADER_END[this.headerEndMatched]) this.headerEndMatched += 1;
      else this.headerEndMatched = byte === CR ? 1 : 0;
      if (this.headerEndMatched === HEADER_END.length) {
        out.push(kept.subarray(0, length));
        this.state = 'body';
        // busboy's search may find a delimiter that starts with the blank line's CRLF.
        this.tail = CRLF;
        return rest.subarray(index + 1);
      }
    }
    out.push(kept.subarray(0, length));
    return EMPTY;
  }

  /** A delimiter in the bytes busboy will parse as a header block: busboy would split it there. */
  private trackDelimiter(byte: number): void {
    if (byte === this.delimiter[this.delimiterMatched]) this.delimiterMatched += 1;
    else this.delimiterMatched = byte === CR ? 1 : 0;
    if (this.delimiterMatched === this.delimiter.length) throw new AmbiguousMultipartError('a delimiter inside a part header block');
  }
}

/** The refusal a client sees for a body the scrubber and busboy could read differently. */
export const ambiguousBody = (err: AmbiguousMultipartError) =>
  refusal('rejected', new ValidationError('The multipart body is malformed or ambiguous', { cause: err }));

/**
 * The Transform the request body passes through on its way into busboy: part headers scrubbed
 * (PartHeaderScrubber), everything else untouched; a body the two could read differently fails
 * it with the 400 of `ambiguousBody`. Without a form-data boundary busboy refuses the body itself.
 */
export function partHeaderScrubbing(contentType: string | undefined): Transform {
  const boundary = multipartBoundary(contentType);
  const scrubber = boundary ? new PartHeaderScrubber(boundary) : undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (!scrubber) {
        callback(null, chunk);
        return;
      }
      try {
        const scrubbed = scrubber.scrub(chunk);
        callback(null, scrubbed.length > 0 ? scrubbed : undefined);
      } catch (err) {
        callback(err instanceof AmbiguousMultipartError ? ambiguousBody(err) : (err as Error));
      }
    },
  });
}

import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';

const CR = 13;
const LF = 10;
const TAB = 9;
const DASH = 45;
const HEADER_END = [CR, LF, CR, LF];
/** busboy refuses part headers past 16 KiB anyway; past this we stop looking. */
const MAX_HEADER_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** C0 controls other than the TAB, CR and LF that frame headers, and DEL. */
const isStrayControl = (byte: number) => (byte < 0x20 && byte !== TAB && byte !== CR && byte !== LF) || byte === 0x7f;

/** The `boundary` parameter of a multipart Content-Type, if any. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  const match = /;\s*boundary=(?:"([^"]{1,200})"|([^;\s]{1,200}))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * Removes stray control bytes from multipart part headers, never from part bodies.
 *
 * WHY: browsers (and undici's FormData) escape only CR, LF and `"` in a filename (WHATWG
 * multipart/form-data), so a file named `a\u0007b.txt` arrives with a raw BEL byte in its
 * Content-Disposition header. busboy refuses any control byte in a header as a "Malformed
 * part header", which turned a harmless name into a 400. With the bytes removed here the name
 * reaches sanitizeFilename like any other. Works chunk by chunk: a delimiter may straddle two
 * chunks, and bytes are only ever dropped, never held back, so there is nothing to flush.
 */
export class PartHeaderScrubber {
  private readonly delimiter: Buffer;
  /** The previous body bytes that could start a delimiter (at most its length - 1). */
  private tail: Buffer;
  private inHeaders = false;
  private headerBytes = 0;
  private headerEndMatched = 0;
  private dashes = 0;
  private epilogue = false;

  constructor(boundary: string) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    // The first delimiter may open the body without a CRLF of its own.
    this.tail = Buffer.from('\r\n');
  }

  scrub(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let rest = chunk;
    while (rest.length > 0 && !this.epilogue) {
      rest = this.inHeaders ? this.scrubHeaders(rest, out) : this.passBody(rest, out);
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
    this.inHeaders = true;
    this.headerBytes = 0;
    this.headerEndMatched = 0;
    this.dashes = 0;
    this.tail = EMPTY;
    return rest.subarray(end);
  }

  /** Copies header bytes without stray controls until the blank line that ends them. */
  private scrubHeaders(rest: Buffer, out: Buffer[]): Buffer {
    const kept = Buffer.allocUnsafe(rest.length);
    let length = 0;
    for (let index = 0; index < rest.length; index += 1) {
      const byte = rest[index]!;
      this.headerBytes += 1;
      if (isStrayControl(byte)) continue;
      kept[length++] = byte;
      // `--` right after the delimiter closes the form: the rest is epilogue, left alone.
      if (this.headerBytes <= 2 && byte === DASH && this.dashes === this.headerBytes - 1) {
        this.dashes += 1;
        this.epilogue = this.dashes === 2;
      }
      if (byte === HEADER_END[this.headerEndMatched]) this.headerEndMatched += 1;
      else this.headerEndMatched = byte === CR ? 1 : 0;
      if (this.epilogue || this.headerEndMatched === HEADER_END.length || this.headerBytes >= MAX_HEADER_BYTES) {
        this.inHeaders = false;
        out.push(kept.subarray(0, length));
        return rest.subarray(index + 1);
      }
    }
    out.push(kept.subarray(0, length));
    return EMPTY;
  }
}

/**
 * multer's `streamHandler`: pipes the request into busboy as usual, with busboy parsing scrubbed
 * bytes. Wrapping busboy's `_write` (instead of piping through a Transform) keeps `req → busboy`
 * one direct pipe, which multer relies on when it unpipes and drains the request after an error.
 */
export function pipeScrubbed(req: IncomingMessage, busboy: Writable): void {
  const boundary = multipartBoundary(req.headers['content-type']);
  if (boundary) {
    const scrubber = new PartHeaderScrubber(boundary);
    const parse = busboy._write.bind(busboy);
    busboy._write = (chunk: Buffer, encoding, callback) => {
      const scrubbed = scrubber.scrub(chunk);
      if (scrubbed.length === 0) callback();
      else parse(scrubbed, encoding, callback);
    };
  }
  req.pipe(busboy);
}

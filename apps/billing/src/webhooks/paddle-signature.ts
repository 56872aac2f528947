import { createHmac, timingSafeEqual } from 'node:crypto';

/** Paddle signs a little before it sends; allow that much clock difference into the future. */
export const FUTURE_SKEW_SECONDS = 5;

export type SignatureFailure = 'missing' | 'malformed' | 'stale' | 'mismatch';

export interface VerifyOptions {
  /** Current secret first, then the one being rotated out. */
  secrets: string[];
  toleranceSeconds: number;
  now: Date;
}

interface ParsedHeader {
  ts: number;
  h1: string[];
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** `ts=<unix>;h1=<hex>[;h1=<hex>…]`: Paddle sends several h1 values while a secret rotates. */
export function parseSignatureHeader(header: string): ParsedHeader | undefined {
  let ts: number | undefined;
  const h1: string[] = [];
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 'ts' && /^\d{1,12}$/.test(value)) ts = Number(value);
    else if (key === 'h1' && HEX_SHA256.test(value)) h1.push(value.toLowerCase());
  }
  return ts === undefined || h1.length === 0 ? undefined : { ts, h1 };
}

function hmac(secret: string, ts: number, rawBody: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${ts}:`).update(rawBody).digest();
}

/**
 * Checks `Paddle-Signature` against the exact raw body: HMAC-SHA256 of `ts:body`, any h1
 * under any configured secret, compared in constant time. Returns why it failed, or undefined.
 */
export function verifyPaddleSignature(rawBody: Buffer, header: string | undefined, options: VerifyOptions): SignatureFailure | undefined {
  if (!header) return 'missing';
  const parsed = parseSignatureHeader(header);
  if (!parsed) return 'malformed';
  const nowSeconds = Math.floor(options.now.getTime() / 1000);
  if (parsed.ts < nowSeconds - options.toleranceSeconds || parsed.ts > nowSeconds + FUTURE_SKEW_SECONDS) return 'stale';
  const candidates = parsed.h1.map((hex) => Buffer.from(hex, 'hex'));
  for (const secret of options.secrets) {
    const expected = hmac(secret, parsed.ts, rawBody);
    // Every candidate is 32 bytes (checked by the parser), so timingSafeEqual never throws.
    if (candidates.some((candidate) => timingSafeEqual(candidate, expected))) return undefined;
  }
  return 'mismatch';
}

/** The header Paddle would send for `rawBody`: for tests and the `paddle:send` tool. */
export function signPaddlePayload(rawBody: string | Buffer, secrets: string | string[], at: Date = new Date()): string {
  const ts = Math.floor(at.getTime() / 1000);
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody) : rawBody;
  const h1 = (Array.isArray(secrets) ? secrets : [secrets]).map((secret) => `h1=${hmac(secret, ts, body).toString('hex')}`);
  return [`ts=${ts}`, ...h1].join(';');
}

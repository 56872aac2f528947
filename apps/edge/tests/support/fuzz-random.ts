/** A small seeded generator (mulberry32): the same seed gives the same run of requests. */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** `length` characters from `alphabet`. */
  text(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_'): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += alphabet[this.int(alphabet.length)];
    return out;
  }

  uuid(): string {
    const hex = this.text(32, '0123456789abcdef');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

/** Path segments as raw (already encoded) text: malformed percent-encoding, NUL, traversal, long, odd Unicode. */
export const EVIL_SEGMENTS = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  'a%00b',
  '%00',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  'x'.repeat(300),
  '%F0%9F%92%A9',
  '%EF%BB%BF',
  "'%20OR%201=1--",
  '%3Cscript%3E',
  '-1',
  '0',
  'null',
  '%20',
  '%E2%80%AE',
];

/** JSON values that break naive handlers: NUL, huge, wrong types, deep, odd Unicode. */
export const EVIL_VALUES: unknown[] = [
  '',
  '\u0000',
  'a\u0000b',
  'x'.repeat(5000),
  '\ud800',
  '\u202e',
  -1,
  1e308,
  -0,
  0.5,
  2 ** 53,
  null,
  true,
  [],
  {},
  [[[[[[]]]]]],
  { $gt: '' },
  '__proto__',
  '<script>alert(1)</script>',
];

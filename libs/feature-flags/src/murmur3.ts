const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const encoder = new TextEncoder();
/** Reused for every call (hashing is synchronous): no allocation per flag evaluation. */
let scratch = new Uint8Array(256);

/** Writes the UTF-8 bytes of `text` into the scratch buffer; returns how many. */
function toBytes(text: string): number {
  if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3);
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    // Flag keys and ids are ASCII: copying char codes is several times faster than encoding.
    if (code > 0x7f) return encoder.encodeInto(text, scratch).written;
    scratch[i] = code;
  }
  return text.length;
}

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/**
 * MurmurHash3 x86 32-bit over the UTF-8 bytes of `text` (the hash Unleash buckets with).
 * Implemented here rather than pulled from npm: it is short and pinned by known vectors.
 */
export function murmur3(text: string, seed = 0): number {
  const length = toBytes(text);
  const bytes = scratch;
  const blocks = length >>> 2;
  let h = seed >>> 0;
  for (let i = 0; i < blocks; i += 1) {
    const at = i * 4;
    h ^= mixK(bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = blocks * 4;
  let k = 0;
  switch (length & 3) {
    case 3:
      k ^= bytes[tail + 2]! << 16;
    // falls through
    case 2:
      k ^= bytes[tail + 1]! << 8;
    // falls through
    case 1:
      k ^= bytes[tail]!;
      h ^= mixK(k);
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

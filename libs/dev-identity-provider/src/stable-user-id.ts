import { createHash } from 'node:crypto';

// Fixed namespace so a user's `sub` is identical across restarts: rows keyed by `sub`
// in the database keep matching the same dev user (Keycloak keeps ids in its own DB).
const NAMESPACE = Buffer.from('6f1c2a4e9b3d4c7a8e5f0a1b2c3d4e5f', 'hex');

/** RFC 4122 version-5 (name-based, SHA-1) UUID of `name`. */
export function stableUserId(name: string): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(name.toLowerCase()).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

import { randomBytes } from 'node:crypto';

/**
 * A new object's key: 128 random bits and nothing else (no user id, no name, no time), so a
 * presigned URL tells nobody who uploaded it and no key can be guessed. Rows written before
 * keep their stored key: every read goes through `uploads.object_key`.
 */
export function opaqueObjectKey(): string {
  return `files/${randomBytes(16).toString('hex')}`;
}

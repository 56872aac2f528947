import { existsSync, readFileSync } from 'node:fs';

/**
 * The Node flags a built bundle runs with (`<bundle>.flags`, written by bundle-target.mjs and
 * read by the image's CMD too), so the bench and the smoke test start each process as it ships.
 */
export function nodeFlagsOf(bundle: string): string[] {
  const file = `${bundle}.flags`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean);
}

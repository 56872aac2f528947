import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type GcFunction = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

let collect: GcFunction | undefined;

function gcFunction(): GcFunction | undefined {
  if (collect) return collect;
  try {
    // The gc() extension is installed in contexts created after the flag is set: one small
    // context, once, yields the function without starting the process with --expose-gc.
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as GcFunction;
  } catch {
    collect = undefined;
  }
  return collect;
}

/**
 * A minor (young-generation) GC. Every byte of an upload arrives in a fresh socket buffer that
 * is garbage a moment later, but V8 only collects ArrayBuffer garbage when the young generation
 * fills (the per-chunk JS objects are tiny) or when external memory has grown by ~64 MB: the
 * upload service's RSS climbed by ~80 MB on any upload of that size. Called once per stored
 * part (every UPLOAD_PART_SIZE_BYTES), a scavenge of a few ms frees those buffers, so memory
 * stays near two parts per upload whatever the file size.
 */
export function collectYoungGarbage(): void {
  gcFunction()?.({ type: 'minor' });
}

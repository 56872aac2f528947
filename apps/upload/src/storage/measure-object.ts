import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileMeter } from '../uploads/file-meter';
import type { ObjectStorage } from './object-storage';

const discard = () =>
  new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });

/** Size, SHA-256 and type of a stored object, read once from storage (the worker's and a finished resumable upload's facts). */
export async function measureObject(storage: ObjectStorage, objectKey: string): ReturnType<FileMeter['result']> {
  const meter = new FileMeter(Number.MAX_SAFE_INTEGER);
  await pipeline(await storage.read(objectKey), meter, discard());
  return await meter.result();
}

// multer ships no types and @types/multer is not installed: only what the upload intake uses.
declare module 'multer' {
  import type { Readable, Writable } from 'node:stream';
  import type { Request, RequestHandler } from 'express';

  namespace multer {
    interface File {
      fieldname: string;
      originalname: string;
      encoding: string;
      mimetype: string;
      stream: Readable;
    }
    interface StorageEngine {
      _handleFile(req: Request, file: File, callback: (error?: unknown, info?: object) => void): void;
      _removeFile(req: Request, file: File & Record<string, unknown>, callback: (error: Error | null) => void): void;
    }
    interface Limits {
      fieldNameSize?: number;
      fieldSize?: number;
      fields?: number;
      fileSize?: number;
      files?: number;
      parts?: number;
      headerPairs?: number;
    }
    interface Options {
      storage: StorageEngine;
      limits?: Limits | ((req: Request) => Limits);
      defParamCharset?: string;
      fileFilter?: (req: Request, file: File, callback: (error: unknown, accept?: boolean) => void) => void;
      /** Feeds the request body to busboy (a Writable); default `req.pipe(busboy)`. */
      streamHandler?: (req: Request, busboy: Writable) => void;
    }
    interface Multer {
      any(): RequestHandler;
    }
    class MulterError extends Error {
      code: string;
      field?: string;
    }
  }

  function multer(options: multer.Options): multer.Multer;
  export = multer;
}

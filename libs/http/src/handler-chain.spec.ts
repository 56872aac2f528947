import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { handlerChain, underPath } from './handler-chain';

/** A real Express app on a random port: what a client sees from a chain mounted as one layer. */
async function serve(app: Express): Promise<{ get: (path: string) => Promise<{ status: number; body: string }>; close: () => Promise<void> }> {
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as { port: number };
  return {
    get: async (path) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: response.status, body: await response.text() };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const mark =
  (name: string): RequestHandler =>
  (req, _res, next) => {
    (req as { seen?: string[] }).seen = [...((req as { seen?: string[] }).seen ?? []), name];
    next();
  };

const renderError: ErrorRequestHandler = (err: Error, req, res, _next) => {
  res.status(500).send(`error ${err.message} after ${((req as { seen?: string[] }).seen ?? []).join(',')}`);
};

function appWith(chain: RequestHandler): Express {
  const app = express();
  app.use('/api', chain);
  app.use((req, res) => {
    res.send(`fell through after ${((req as { seen?: string[] }).seen ?? []).join(',')}`);
  });
  app.use(renderError);
  return app;
}

describe('handlerChain', () => {
  it('runs every handler in order, then continues after the layer', async () => {
    const server = await serve(appWith(handlerChain([mark('a'), mark('b'), mark('c')])));
    try {
      expect(await server.get('/api/x')).toEqual({ status: 200, body: 'fell through after a,b,c' });
      // Not under the mount path: the chain never runs.
      expect(await server.get('/other')).toEqual({ status: 200, body: 'fell through after ' });
    } finally {
      await server.close();
    }
  });

  it('sends next(err), a throw and a rejected promise to the error middleware and skips the rest', async () => {
    const nextError: RequestHandler = (_req, _res, next) => next(new Error('passed'));
    const thrown: RequestHandler = () => {
      throw new Error('thrown');
    };
    const rejected: RequestHandler = async () => {
      await Promise.resolve();
      throw new Error('rejected');
    };
    for (const [failing, message] of [
      [nextError, 'passed'],
      [thrown, 'thrown'],
      [rejected, 'rejected'],
    ] as const) {
      const server = await serve(appWith(handlerChain([mark('a'), failing, mark('never')])));
      try {
        expect(await server.get('/api/x')).toEqual({ status: 500, body: `error ${message} after a` });
      } finally {
        await server.close();
      }
    }
  });

  it('refuses error middleware, which Express would only call with an error', () => {
    const errorMiddleware = ((_err: unknown, _req: unknown, _res: unknown, next: () => void) => next()) as unknown as RequestHandler;
    expect(() => handlerChain([mark('a'), errorMiddleware])).toThrow('handlerChain takes request handlers, not error middleware');
  });

  it('lets a handler answer without calling next', async () => {
    const answer: RequestHandler = (_req, res) => {
      res.status(201).send('answered');
    };
    const server = await serve(appWith(handlerChain([mark('a'), answer, mark('never')])));
    try {
      expect(await server.get('/api/x')).toEqual({ status: 201, body: 'answered' });
    } finally {
      await server.close();
    }
  });
});

describe('underPath', () => {
  it('enters the handler for the prefix and its sub-paths in any case, and skips every other path', async () => {
    const router = express.Router();
    router.get('/health', (_req, res) => {
      res.send('live');
    });
    router.get('/health/ready', (_req, res) => {
      res.send('ready');
    });
    const app = express();
    app.use(underPath('/health', router));
    app.use((_req, res) => {
      res.status(404).send('skipped');
    });
    const server = await serve(app);
    try {
      expect(await server.get('/health')).toEqual({ status: 200, body: 'live' });
      expect(await server.get('/HEALTH?x=1')).toEqual({ status: 200, body: 'live' });
      expect(await server.get('/health/ready')).toEqual({ status: 200, body: 'ready' });
      expect(await server.get('/healthz')).toEqual({ status: 404, body: 'skipped' });
      expect(await server.get('/api/health')).toEqual({ status: 404, body: 'skipped' });
    } finally {
      await server.close();
    }
  });

  it("keeps a router's routes listable on the gate", () => {
    const router = express.Router();
    router.get('/docs', (_req, res) => res.end());
    expect((underPath('/docs', router) as unknown as { stack: unknown }).stack).toBe(router.stack);
  });
});

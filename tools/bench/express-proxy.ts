import { exitOnSigterm } from './exit-on-sigterm';
import { startExpressProxy } from './start-express-proxy';

// Case (b)'s process. The server itself is in start-express-proxy.ts, which case (f) builds on:
// a bundle runs every `require.main === module` block it inlines, so entries hold no shared code.
if (require.main === module) {
  exitOnSigterm();
  void startExpressProxy(Number(process.env['PORT']), String(process.env['TARGET']));
}

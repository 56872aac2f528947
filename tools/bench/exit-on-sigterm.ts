/**
 * The bench stops its servers with SIGTERM. Without a handler Node dies of the signal and
 * never writes a `--cpu-prof` profile; a normal exit does, so `npm run bench:profile -- a|b`
 * can profile the yardsticks too.
 */
export function exitOnSigterm(): void {
  process.once('SIGTERM', () => process.exit(0));
}

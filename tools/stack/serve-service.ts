import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { processEnv, SERVICES } from '@tp/config';

// `nx serve <app>`: each of the app's manifest processes from source under `tsx watch`, with the
// manifest's Node flags, so a watched process runs the V8 setup it ships with.
const ROOT = join(__dirname, '..', '..');
const app = process.argv[2];
const specs = SERVICES.filter((spec) => spec.app === app);
if (specs.length === 0) {
  process.stderr.write(`usage: tsx tools/stack/serve-service.ts <app>; apps: ${[...new Set(SERVICES.map((spec) => spec.app))].join(', ')}\n`);
  process.exit(1);
}
// The tracing preload the manifest's Node flags name.
execFileSync(process.execPath, [join(ROOT, 'tools/build/build-app.mjs'), 'telemetry'], { cwd: ROOT, stdio: 'ignore' });
const children = specs.map((spec) =>
  spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'watch', '--clear-screen=false', ...spec.nodeFlags, join(ROOT, spec.entry)], {
    cwd: ROOT,
    env: processEnv(),
    stdio: 'inherit',
  }),
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => children.forEach((child) => child.kill(signal)));
for (const child of children) child.once('exit', (code) => (process.exitCode ||= code ?? 1));

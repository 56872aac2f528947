import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

export const ROOT = join(__dirname, '..', '..');
export const BENCH_BUNDLE_DIR = join(ROOT, 'dist', 'bench');

/** The bench's own servers: the yardsticks (a), (b), (f), the upstream every proxy case points at, S3 for bench:upload, the OTLP sink. */
const BENCH_SERVERS = ['trivial-upstream', 'raw-proxy', 'express-proxy', 'floor-proxy', 's3-server', 'otlp-sink'];

/**
 * The bench measures what ships: `npm run build` (the esbuild bundles the images run),
 * and the bench's own servers bundled the same way (npm packages external, one CJS file),
 * so the yardsticks pay no loader cost the apps do not pay either.
 * BENCH_SKIP_BUILD=1 reuses dist/ while iterating on the bench itself.
 */
export function buildBenchBundles(apps: string[]): void {
  if (process.env['BENCH_SKIP_BUILD'] !== '1') {
    console.log('Building production bundles (npm run build) …');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  for (const app of apps) {
    if (!existsSync(join(ROOT, 'dist/apps', app, 'main.js'))) throw new Error(`dist/apps/${app}/main.js missing: run npm run build`);
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
  buildSync({
    entryPoints: BENCH_SERVERS.map((name) => join(__dirname, `${name}.ts`)),
    outdir: BENCH_BUNDLE_DIR,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    external: [...Object.keys(pkg['dependencies'] ?? {}), ...Object.keys(pkg['devDependencies'] ?? {})],
    tsconfig: join(ROOT, 'tsconfig.base.json'),
    logLevel: 'warning',
  });
}

// Bundles one app (or the db migrator) into dist/ with esbuild: our libs are inlined,
// npm dependencies stay external and come from `npm ci --omit=dev` in the image.
// Usage: node tools/build/build-app.mjs <app>|db
import { build } from 'esbuild';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const target = process.argv[2];
if (!target) {
  console.error('usage: node tools/build/build-app.mjs <app>|db');
  process.exit(1);
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = Object.keys(pkg.dependencies ?? {});

const isDb = target === 'db';
const entry = isDb ? join(root, 'libs/db/src/cli/migrate.ts') : join(root, 'apps', target, 'src/main.ts');
if (!existsSync(entry)) {
  console.error(`No entry point at ${entry}`);
  process.exit(1);
}
const outdir = isDb ? join(root, 'dist/libs/db') : join(root, 'dist/apps', target);
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: [entry],
  outfile: join(outdir, isDb ? 'migrate.js' : 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  sourcemap: true,
  external,
  tsconfig: join(root, 'tsconfig.base.json'),
  logLevel: 'warning',
});
// The migrator finds its SQL next to itself once bundled.
if (isDb) cpSync(join(root, 'libs/db/migrations'), join(outdir, 'migrations'), { recursive: true });
console.log(`built ${target} → ${outdir}`);

// Bundles one app (or the db migrator) with esbuild: our libs are inlined, every npm package stays
// an external require() resolved from the node_modules next to the bundle. A bundle may only
// require packages listed in `dependencies` (the ones `npm ci --omit=dev` installs): anything
// else fails the build here, and would fail at boot in the runtime tree anyway.
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const APPS = ['edge', 'user', 'flags', 'billing', 'upload'];
export const TARGETS = [...APPS, 'db'];

/**
 * Each bundle a target writes, by output name (`<name>.js`): an app's process is `main`; the upload
 * worker is its own process with its own entry, so it gets its own bundle rather than a flag.
 */
const ENTRIES = {
  upload: { main: 'apps/upload/src/main.ts', worker: 'apps/upload/src/worker-main.ts' },
  db: { migrate: 'libs/db/src/cli/migrate.ts' },
};
const entriesOf = (target) => ENTRIES[target] ?? { main: `apps/${target}/src/main.ts` };

/**
 * Node/V8 flags a bundle's process runs with, written beside it as `<name>.js.flags` so every
 * launcher starts it alike: the image's CMD, `npm run bench*` and `npm run smoke` read that file.
 * - upload: every byte passes through short-lived socket buffers; a 2 MB semi-space (instead of
 *   V8's up to 16 MB) keeps its young generation, and so its RSS, from growing by ~10 MB during a
 *   large upload (measured with `npm run bench:upload`).
 * - user: after a burst, V8 may pretenure the allocation sites of request objects; at a steady
 *   500 req/s they then die in the old generation and every scavenge took ~11–14 ms and
 *   promoted ~10 MB (3 of 6 runs; 0 of 6 with the flag, where scavenges took about 1 ms;
 *   `GC=1 npm run bench:profile -- d user`). No CPU cost measured at full load.
 */
const NODE_FLAGS = {
  upload: { main: ['--max-semi-space-size=2'] },
  user: { main: ['--no-allocation-site-pretenuring'] },
};

const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const isBuiltin = (specifier) => specifier.startsWith('node:') || builtinModules.includes(packageName(specifier));

/** The npm packages a bundle requires (its external, non-builtin imports). */
function requiredPackages(metafile) {
  const packages = new Set();
  for (const input of Object.values(metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.external && !isBuiltin(imported.path)) packages.add(packageName(imported.path));
    }
  }
  return [...packages].sort();
}

/**
 * Writes `<outRoot>/dist/apps/<app>/main.js` (and `worker.js` for upload; for db
 * `dist/libs/db/migrate.js` + migrations) and returns the folder, the bundles' file names and the
 * npm packages they require.
 */
export async function bundleTarget(target, outRoot = ROOT) {
  const isDb = target === 'db';
  const entryPoints = Object.fromEntries(Object.entries(entriesOf(target)).map(([name, file]) => [name, join(ROOT, file)]));
  for (const entry of Object.values(entryPoints)) if (!existsSync(entry)) throw new Error(`No entry point at ${entry}`);
  const outdir = isDb ? join(outRoot, 'dist/libs/db') : join(outRoot, 'dist/apps', target);
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    sourcemap: true,
    packages: 'external',
    metafile: true,
    tsconfig: join(ROOT, 'tsconfig.base.json'),
    logLevel: 'warning',
  });
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const packages = requiredPackages(result.metafile);
  const missing = packages.filter((name) => !(name in (pkg.dependencies ?? {})));
  if (missing.length > 0) {
    throw new Error(`${target} requires ${missing.join(', ')}, not in package.json "dependencies" (the runtime install omits devDependencies)`);
  }
  for (const [name, flags] of Object.entries(NODE_FLAGS[target] ?? {})) writeFileSync(join(outdir, `${name}.js.flags`), `${flags.join(' ')}\n`);
  // The migrator finds its SQL next to itself once bundled.
  if (isDb) cpSync(join(ROOT, 'libs/db/migrations'), join(outdir, 'migrations'), { recursive: true });
  return { outdir, bundles: Object.keys(entryPoints).map((name) => `${name}.js`), packages };
}

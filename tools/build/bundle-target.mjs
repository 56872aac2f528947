// Bundles one app (or the db migrator) with esbuild: our libs are inlined, every npm package stays
// an external require() resolved from the node_modules next to the bundle. A bundle may only
// require packages listed in `dependencies` (the ones `npm ci --omit=dev` installs): anything
// else fails the build here, and would fail at boot in the runtime tree anyway.
import { build, transform } from 'esbuild';
import { Buffer } from 'node:buffer';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The service manifest (libs/config/src/services.ts, no imports): every process, its bundle and its Node flags. */
async function loadManifest() {
  const { code } = await transform(readFileSync(join(ROOT, 'libs/config/src/services.ts'), 'utf8'), { loader: 'ts', format: 'esm' });
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}
const { SERVICES } = await loadManifest();
export const APPS = [...new Set(SERVICES.map((spec) => spec.app))];
export const TARGETS = [...APPS, 'db', 'telemetry'];
/** Targets that are no app: the migrator and the tracing preload every service loads first. */
const LIB_TARGETS = {
  db: { outdir: 'dist/libs/db', entries: [{ name: 'migrate', entry: 'libs/db/src/cli/migrate.ts', nodeFlags: [] }] },
  telemetry: { outdir: 'dist/libs/telemetry', entries: [{ name: 'register', entry: 'libs/telemetry/src/register.ts', nodeFlags: [] }] },
};

const bundleName = (bundle) => basename(bundle, '.js');

/**
 * Each bundle a target writes, by output name (`<name>.js`), with the Node flags its process runs
 * with: one per manifest entry of the app (the upload worker is its own process and bundle).
 */
function entriesOf(target) {
  if (target in LIB_TARGETS) return LIB_TARGETS[target].entries;
  return SERVICES.filter((spec) => spec.app === target).map((spec) => ({ name: bundleName(spec.bundle), entry: spec.entry, nodeFlags: spec.nodeFlags }));
}

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
  const entries = entriesOf(target);
  const entryPoints = Object.fromEntries(entries.map(({ name, entry }) => [name, join(ROOT, entry)]));
  for (const entry of Object.values(entryPoints)) if (!existsSync(entry)) throw new Error(`No entry point at ${entry}`);
  const outdir = join(outRoot, target in LIB_TARGETS ? LIB_TARGETS[target].outdir : join('dist/apps', target));
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
  // `<bundle>.flags` beside each bundle is the manifest's nodeFlags, rendered for the image's CMD.
  for (const { name, nodeFlags } of entries) if (nodeFlags.length > 0) writeFileSync(join(outdir, `${name}.js.flags`), `${nodeFlags.join(' ')}\n`);
  // The migrator finds its SQL next to itself once bundled.
  if (isDb) cpSync(join(ROOT, 'libs/db/migrations'), join(outdir, 'migrations'), { recursive: true });
  return { outdir, bundles: Object.keys(entryPoints).map((name) => `${name}.js`), packages };
}

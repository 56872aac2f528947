// Builds the runtime tree the images ship and CI boots: every process's bundle (each app's
// dist/apps/<app>/main.js, the upload worker's dist/apps/upload/worker.js), the migrator and its
// SQL, and production-only node_modules (`npm ci --omit=dev`), in one self-contained folder.
// The Dockerfile runs this script; so does `npm run smoke` (tools/smoke), so both get the same tree.
// Usage: node tools/build/build-runtime.mjs <out-dir>
//   <out-dir> must lie outside this checkout: Node would otherwise resolve a package missing from
//   the tree in the checkout's own node_modules (a parent folder) and hide the mistake.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { bundleTarget, ROOT, TARGETS } from './bundle-target.mjs';

const out = process.argv[2] && resolve(process.argv[2]);
if (!out) {
  console.error('usage: node tools/build/build-runtime.mjs <out-dir outside the checkout>');
  process.exit(1);
}
if (!relative(ROOT, out).startsWith('..')) {
  console.error(`${out} is inside the checkout; pick a folder outside it (e.g. /tmp/toolsplatform-runtime)`);
  process.exit(1);
}

try {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const required = new Set();
  const written = [];
  for (const target of TARGETS) {
    const { outdir, bundles, packages } = await bundleTarget(target, out);
    for (const bundle of bundles) written.push(relative(out, join(outdir, bundle)));
    for (const name of packages) required.add(name);
  }
  // The other direction, as a hint: a runtime dependency no bundle requires belongs in devDependencies.
  const { dependencies = {} } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const unused = Object.keys(dependencies).filter((name) => !required.has(name));
  if (unused.length > 0) console.warn(`note: no bundle requires ${unused.join(', ')} (listed in "dependencies")`);
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, file), join(out, file));
  // --ignore-scripts: no runtime dependency needs an install script, and it keeps @scarf/scarf
  // (pulled in by swagger-ui-dist) from phoning home; SCARF_ANALYTICS=false says the same to it.
  execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: out,
    stdio: 'inherit',
    env: { ...process.env, SCARF_ANALYTICS: 'false', NODE_ENV: 'production' },
  });
  console.log(`runtime tree → ${out} (${written.join(', ')})`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}

// `nx build <app>` / `npm run build`: one app's bundles (or the db migrator) into dist/ of this checkout,
// run with this checkout's node_modules. The image's self-contained tree is build-runtime.mjs.
// Usage: node tools/build/build-app.mjs <app>|db
import { bundleTarget, TARGETS } from './bundle-target.mjs';

const target = process.argv[2];
if (!TARGETS.includes(target)) {
  console.error(`usage: node tools/build/build-app.mjs <${TARGETS.join('|')}>`);
  process.exit(1);
}
try {
  const { outdir, bundles } = await bundleTarget(target);
  console.log(`built ${target} → ${outdir} (${bundles.join(', ')})`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}

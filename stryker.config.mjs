// `npm run mutation` (tools/mutation/run-mutation.ts): Stryker over the code that decides identity,
// entitlement, money and abuse, each file held to a 90 % mutation score by the run script
// (Stryker's own `break` is one global score). Unit specs only: tools/mutation/jest.config.js.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'tools/mutation/jest.config.js' },
  // Each mutant runs only the tests that reached it in the initial run.
  coverageAnalysis: 'perTest',
  // A static mutant (a module-level constant: the secret parameter names, the header allow-list,
  // the event type sets) runs every spec, ~12 s each; 117 of them were 57 % of the run. Their
  // rules are still stated by specs (each name, each header), only not re-proven per mutant.
  ignoreStatic: true,
  mutate: [
    'libs/auth/src/authenticate.ts',
    'libs/auth/src/identity.ts',
    'libs/auth/src/jwks-document.ts',
    'libs/auth/src/jwks-key-store.ts',
    'libs/auth/src/token-verifier.ts',
    'libs/entitlements/src/entitlement-rule.ts',
    'apps/billing/src/webhooks/apply-paddle-event.ts',
    'apps/billing/src/webhooks/event-binding.ts',
    'apps/billing/src/webhooks/paddle-signature.ts',
    'apps/upload/src/quota/anonymous-quota.ts',
    'apps/upload/src/quota/upload-slots.ts',
    'apps/upload/src/uploads/sanitize-filename.ts',
    'libs/logging/src/redact-url.ts',
    'libs/http/src/client-key.ts',
    'apps/edge/src/security/upstream-headers.ts',
  ],
  // Reuse the results of unchanged mutants and tests from the committed file, so a clean clone
  // (CI) tests only what changed; `npm run mutation -- --force` reruns all and rewrites it.
  incremental: true,
  incrementalFile: 'tools/mutation/stryker-incremental.json',
  // 2 cores in CI; the machine is shared while developing.
  concurrency: 2,
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  tempDirName: '.stryker-tmp',
  // The sandbox copies the checkout: not its build output, caches or earlier reports.
  ignorePatterns: ['dist', 'tmp', 'coverage', 'bench-results', 'reports', '.nx', 'deploy', 'docs'],
  // DB-backed specs on a loaded 2-core machine: a slow mutant is a timeout, not a kill by luck.
  timeoutMS: 10_000,
};

export default config;

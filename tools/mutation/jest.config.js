// `npm run mutation`: only the unit specs beside the code Stryker mutates (stryker.config.mjs), so
// each mutant costs the few specs that cover it; the e2e suites start processes and are not here.
const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'mutation',
  rootDir: require('node:path').join(__dirname, '../..'),
  testMatch: [
    '<rootDir>/libs/auth/src/*.spec.ts',
    '<rootDir>/libs/entitlements/src/entitlement-rule.spec.ts',
    '<rootDir>/libs/logging/src/redact-url.spec.ts',
    '<rootDir>/libs/http/src/client-key.spec.ts',
    '<rootDir>/apps/billing/src/webhooks/*.spec.ts',
    '<rootDir>/apps/upload/src/quota/*.spec.ts',
    '<rootDir>/apps/upload/src/uploads/sanitize-filename.spec.ts',
    '<rootDir>/apps/edge/src/security/upstream-headers.spec.ts',
  ],
  // The template database only: the merged OpenAPI document (the full suite's global setup) is
  // built from the sources, which Stryker changes with every mutant.
  globalSetup: require('node:path').join(__dirname, 'mutation-global-setup.ts'),
};

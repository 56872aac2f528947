// Deployment checks: docker-compose.yml and deploy/k8s rendered and validated offline.
const preset = require('../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'deploy',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/**/*.spec.ts'],
  // No database here: nothing to migrate.
  globalSetup: undefined,
};

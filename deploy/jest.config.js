// Deployment checks: docker-compose.yml and deploy/k8s rendered and validated offline.
const preset = require('../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'deploy',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/**/*.spec.ts'],
  // No database here: nothing to migrate.
  globalSetup: undefined,
  // kubernetes-models (and the validator it uses) ship ES modules only.
  transformIgnorePatterns: ['/node_modules/(?!(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex)/)'],
};

// `npm run smoke`: the runtime-tree smoke suite (not part of `npm test`: it builds the tree and
// installs production node_modules from the registry). Same transforms as every project, but no
// template database: the tree's own migrator must build the schema.
const preset = { ...require('../../jest.preset.js') };
delete preset.globalSetup;

module.exports = {
  ...preset,
  displayName: 'smoke',
  rootDir: __dirname,
  testMatch: ['<rootDir>/*.spec.ts'],
  testTimeout: 120_000,
};

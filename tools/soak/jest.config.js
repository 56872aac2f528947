// The soak tooling's own tests (part of `npm test`).
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'soak',
  rootDir: __dirname,
  testMatch: ['<rootDir>/*.spec.ts'],
};

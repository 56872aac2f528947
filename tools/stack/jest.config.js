// The npm start tooling's own tests (part of `npm test`).
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'stack',
  rootDir: __dirname,
  testMatch: ['<rootDir>/*.spec.ts'],
};

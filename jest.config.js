// `npm test`: every project's tests in one Jest run.
module.exports = {
  projects: ['<rootDir>/apps/*/jest.config.js', '<rootDir>/libs/*/jest.config.js'],
  // Global options are not read from project configs, so the preset's timeout is repeated here.
  testTimeout: 30_000,
};

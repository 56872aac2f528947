// `npm test`: every project's tests in one Jest run.
module.exports = {
  projects: [
    '<rootDir>/apps/*/jest.config.js',
    '<rootDir>/libs/*/jest.config.js',
    '<rootDir>/tools/stack/jest.config.js',
    '<rootDir>/tools/soak/jest.config.js',
    '<rootDir>/deploy/jest.config.js',
  ],
  // Global options are not read from project configs, so the preset's timeout is repeated here.
  // Hooks share it: a beforeAll that starts four service processes waits up to 60 s for their health.
  testTimeout: 90_000,
};

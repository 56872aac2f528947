// Shared Jest settings for every project (CommonJS so no ts-node is needed to load it).
const { join } = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

// tsconfig `paths` → Jest moduleNameMapper, so tests import libs exactly as the code does.
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias}$`,
    join(__dirname, target),
  ]),
);

module.exports = {
  testEnvironment: 'node',
  // oauth2-mock-server 8 and its deps (jose, is-plain-obj), and file-type 22 and its deps (strtok3,
  // token-types, uint8array-extras, @tokenizer/*, @borewit/*) are ESM-only; Jest's module system cannot
  // require() ESM (Node itself can), so @swc/jest compiles them to CommonJS like our own .ts files.
  // swc also rewrites the tsconfig path aliases, which covers globalSetup (no moduleNameMapper there).
  transform: {
    '^.+\\.(ts|mjs|js)$': ['@swc/jest', { jsc: { target: 'es2022', baseUrl: __dirname, paths: compilerOptions.paths } }],
  },
  // @tus/server, @tus/s3-store, @tus/utils and srvx (its Node adapter) are ESM-only too.
  transformIgnorePatterns: ['/node_modules/(?!(oauth2-mock-server|jose|is-plain-obj|file-type|strtok3|token-types|uint8array-extras|@tokenizer|@borewit|@tus|srvx)/)'],
  moduleNameMapper,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/tests/**/*.spec.ts'],
  globalSetup: join(__dirname, 'libs/testing/src/global-setup.ts'),
  testTimeout: 90_000,
};

// Lint: TypeScript rules, small files, and Nx module boundaries (a service never imports another).
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

const shared = ['scope:shared'];
const testOnly = ['scope:testing', 'scope:dev'];

// Nx draws project edges from spec files too, and a cycle is reported when the imported project
// leads back to the importer. Specs of errors, logging and http build a real app with @tp/http or
// use the harness (libs/testing, which uses db/logging): loops that do not exist at runtime. Nx
// ignores a cycle whose path holds one of these pairs (in either direction), so they are exactly
// those edges; any other cycle, e.g. a runtime import from tiers to auth, still fails lint.
// Pairs with `testing` are safe by construction: only specs may import the harness.
const SPEC_ONLY_CYCLES = [
  ['errors', 'http'], // error-middleware.spec.ts serves through createServiceApp
  ['logging', 'http'], // request-logger.spec.ts likewise
  ['errors', 'testing'], // error-middleware.spec.ts captures logs
  ['logging', 'testing'],
  ['http', 'testing'],
  ['feature-flags', 'testing'], // the harness builds flag clients; feature-flags specs use the harness
  ['testing', 'db'], // the harness clones databases; db → errors closes the errors spec's loop
];

const boundaries = (extraForAll, ignoredCircularDependencies = []) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    ignoredCircularDependencies,
    depConstraints: [
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: [...shared, ...extraForAll] },
      // Layering: core libs (config, errors, logging, metrics, http, db, openapi, redis) are plumbing with
      // no business rule; feature libs (tiers, auth, feature-flags, entitlements) hold the rules.
      { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:core', ...extraForAll] },
      { sourceTag: 'scope:dev', onlyDependOnLibsWithTags: shared },
      { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: [...shared, 'scope:dev'] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: [...shared, ...extraForAll] },
    ],
  },
];

export default [
  { ignores: ['**/node_modules', '**/dist', '**/coverage', '.nx', 'tmp', 'bench-results', '.stryker-tmp', 'reports'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { plugins: { '@nx': nx } },
  // Linear-time text handling: no regular expression may backtrack super-linearly (one crafted URL
  // or header would pin a core); the recommended set catches the rest of the usual regex mistakes.
  {
    ...regexp.configs['flat/recommended'],
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      ...regexp.configs['flat/recommended'].rules,
      'regexp/no-super-linear-backtracking': ['error', { report: 'potential' }],
      'regexp/no-super-linear-move': ['error', { report: 'potential', ignorePartial: false, ignoreSticky: false }],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries([], SPEC_ONLY_CYCLES),
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['warn', { max: 80, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through a @tp/config schema; nothing else reads process.env.',
        },
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    // Tests may use the test harness and the dev identity provider.
    files: ['**/*.spec.ts', '**/tests/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(testOnly, SPEC_ONLY_CYCLES),
      'max-lines-per-function': 'off',
    },
  },
  {
    // The config lib is the one reader of process.env; tools run the stack and may start the dev IdP.
    files: ['libs/config/src/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['tools/**/*.ts', 'deploy/**/*.ts', 'libs/testing/src/global-setup.ts', 'libs/db/drizzle.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off', 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly', setInterval: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];

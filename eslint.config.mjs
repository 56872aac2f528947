// Lint: TypeScript rules, small files, and Nx module boundaries (a service never imports another).
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const shared = ['scope:shared'];
const testOnly = ['scope:testing', 'scope:dev'];

const SPEC_ONLY_CYCLES = [
  ['tag:scope:shared', 'tag:scope:shared'],
  ['tag:scope:shared', 'tag:scope:testing'],
  ['tag:scope:shared', 'tag:scope:dev'],
];

const boundaries = (extraForAll, ignoredCircularDependencies = []) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    ignoredCircularDependencies,
    depConstraints: [
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: [...shared, ...extraForAll] },
      { sourceTag: 'scope:dev', onlyDependOnLibsWithTags: shared },
      { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: [...shared, 'scope:dev'] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: [...shared, ...extraForAll] },
    ],
  },
];

export default [
  { ignores: ['**/node_modules', '**/dist', '**/coverage', '.nx', 'tmp', 'bench-results'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { plugins: { '@nx': nx } },
  {
    files: ['**/*.ts'],
    rules: {
      // Nx draws project edges from spec files too: a lib's spec builds a real app with @tp/http
      // or uses the harness (libs/testing), which itself uses shared libs. Those spec-only edges
      // form cycles among shared libs that do not exist at runtime, so they are ignored here;
      // the tag rules (apps never import apps, shared never imports app/testing code) still apply.
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
    // A lib's spec may build a real app with @tp/http or use the harness, which itself uses
    // shared libs: those test-only edges are not runtime cycles.
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
    files: ['tools/**/*.ts', 'libs/testing/src/global-setup.ts', 'libs/db/drizzle.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off', 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly', setInterval: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];

// One lint setup for every workspace. Formatting is Prettier's job (`.prettierrc`);
// eslint-config-prettier switches off any rule that would fight it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    '**/coverage/',
    '**/.data/',
    '**/.e2e-data/',
    '**/test-results/',
    '**/playwright-report/',
    'bench/results/',
    'server/drizzle/',
    'web/src/api/schema.d.ts',
  ]),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    rules: {
      // `_`-prefixed names are deliberately unused (placeholders, rest siblings).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
      'prefer-const': 'error',
    },
  },

  // Node: the server, the benchmarks, the end-to-end specs, and config files anywhere.
  {
    files: [
      'server/**/*.{ts,js,mjs,cjs}',
      'bench/**/*.{ts,js,mjs,cjs}',
      'e2e/**/*.{ts,js,mjs,cjs}',
      'web/*.{js,mjs,cjs}',
      '**/*.config.{ts,js,mjs,cjs}',
    ],
    languageOptions: { globals: { ...globals.node } },
  },

  // The React app.
  {
    ...reactHooks.configs.flat.recommended,
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },

  // Tests may use loose types to poke at edges.
  {
    files: ['**/*.test.ts', '**/*.spec.ts', 'server/test/**/*.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },

  // Playwright reads a fixture's dependencies from its first parameter: `async ({}, use) => …`.
  {
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }] },
  },

  prettier,
);

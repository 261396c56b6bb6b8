// ESLint for the whole repository: `npm run lint` (CI runs it before the tests, with
// --max-warnings 0, so a warning fails as an error does).
// Parsing needs TypeScript's JavaScript API, which TypeScript 7 (the `tsc` we type-check with) does
// not ship: package.json installs TypeScript 6's API as `typescript` (for typescript-eslint only)
// and TypeScript 7 as `@typescript/native` (it provides the `tsc` command). Rules run without type
// information: `tsc --noEmit` already type-checks, and type-aware rules would double the lint time.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', 'data/', 'test-artifacts/', '.tmp/', 'bench/results/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A leading underscore marks a name left unused on purpose (a parameter a signature needs, a
      // field left out of a rest copy).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests and benchmarks read the JSON replies of the server they drive; a wrong shape fails the run.
    files: ['test/**', 'bench/**', '**/*.test.{ts,tsx}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/web/**/*.{ts,tsx}', 'src/web/public/**/*.js', 'src/client/**/*.{ts,tsx}', 'test/browser/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs['recommended-latest'].rules,
      // Effects that load data clear their error first; that is this app's loading pattern.
      'react-hooks/set-state-in-effect': 'off',
      // Chart data are memoised on the JSON of polled rows (a content key), which this rule refuses.
      'react-hooks/use-memo': 'off',
    },
  },
);

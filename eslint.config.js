// ESLint flat config: typescript-eslint (strict, without type information so it stays fast on
// small machines), eslint-plugin-svelte for the UI, and a boundary rule that keeps src/shared
// free of Node, Electron and DOM-only modules so both processes and the browser can import it.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'test-results/',
      'playwright-report/',
      '.cache/',
      '**/*.tmp',
      '**/*.tmp.*',
      'resources/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },
  {
    files: ['src/renderer/**/*'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/**/*'],
    rules: {
      // Tests assert shapes they just checked; `!` there reads better than a guard per line.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['test/e2e/**/*'],
    // Playwright reads fixture names from a destructuring pattern, and `({}, testInfo)` is its idiom.
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['src/shared/**/*'],
    languageOptions: { globals: { ...globals.es2021 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'src/shared must not import Node modules.' })),
            { name: 'electron', message: 'src/shared must not import Electron.' },
            { name: 'svelte', message: 'src/shared must not import UI (DOM-only) modules.' },
            { name: 'tone', message: 'src/shared must not import DOM-only modules.' },
            { name: 'webmidi', message: 'src/shared must not import DOM-only modules.' },
          ],
          patterns: [
            { group: ['node:*'], message: 'src/shared must not import Node modules.' },
            { group: ['electron/*'], message: 'src/shared must not import Electron.' },
            { group: ['svelte/*', '*.svelte'], message: 'src/shared must not import UI (DOM-only) modules.' },
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**', '**/web/**', '**/cli/**'],
              message: 'src/shared must not depend on a process-specific folder.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...[
          'window',
          'document',
          'navigator',
          'localStorage',
          'process',
          'Buffer',
          'require',
          '__dirname',
        ].map((name) => ({ name, message: `src/shared runs everywhere: no \`${name}\`.` })),
      ],
    },
  },
);

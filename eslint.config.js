import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'dist',
      'dist-cli',
      // AssemblyScript (its own types and decorators): compiled by scripts/build-wasm.mjs.
      'assembly',
      'node_modules',
      'public',
      'reports',
      'test-results',
      'playwright-report',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The core is pure: it runs in Node for unit tests and in any worker.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['react', 'react-dom', 'three', 'three/*'],
              message: 'src/core is pure: no UI or three.js.',
            },
            {
              group: ['**/ui/**', '**/state/**', '**/scene/**', '**/worker/**'],
              message: 'src/core imports nothing above it.',
            },
          ],
        },
      ],
    },
  },
  {
    // Node scripts; callbacks passed to page.evaluate run in the browser.
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs', '.ci/**/*.mjs', '*.config.{js,ts}'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);

// Lint: typescript-eslint's type-checked rules, and the import direction of
// DESIGN.md (client → shared ← server) enforced per folder.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noNodeOrDom = [
  { group: ['node:*'], message: 'shared/ runs in the browser too: no Node built-ins.' },
  { group: ['**/server/**', '**/client/**'], message: 'shared/ imports nothing outside shared/.' },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.tmp/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: noNodeOrDom }],
      'no-restricted-globals': ['error', 'Buffer', 'process', 'window', 'document'],
    },
  },
  {
    // The SMTP codec is shared by the browser and the gateway's guard; the
    // guard builds on the codec, never the other way round.
    files: ['shared/smtp/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...noNodeOrDom,
            { group: ['**/bridge/**'], message: 'shared/smtp knows nothing of the gateway.' },
          ],
        },
      ],
    },
  },
  {
    // The message builder is pure text and bytes for the composer: it may use
    // the SMTP codec's address rules, never the gateway's bridge code.
    files: ['shared/compose/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...noNodeOrDom,
            { group: ['**/bridge/**'], message: 'shared/compose knows nothing of the gateway.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/client/**'], message: 'server/ never imports client/.' }] },
      ],
    },
  },
  {
    files: ['client/**/*.ts', 'client/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**'], message: 'client/ never imports server/.' },
            { group: ['node:*'], message: 'client/ runs in the browser.' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests hand typed mocks around; unbound-method fires on vitest's expect(fn).
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);

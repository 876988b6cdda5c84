// Lint: typescript-eslint's strict type-checked rules, and the import direction of
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
  ...tseslint.configs.strictTypeChecked,
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
      // Byte counts, ports and octet sizes go into log lines and POP3 command
      // text as plain numbers; anything else must be made a string on purpose.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // The code base ends a void function with `if (x) return this.fail(...)`
      // and writes `() => store.clear()` callbacks; both return nothing by
      // design, so only a void value used as a real value is an error.
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true },
      ],
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
    files: ['test/**/*.ts', 'test/**/*.tsx', 'bench/**/*.ts'],
    rules: {
      // Tests hand typed mocks around; unbound-method fires on vitest's expect(fn).
      '@typescript-eslint/unbound-method': 'off',
      // Tests and benches index arrays they just built or asserted on; a
      // missing element fails the test at once, so `!` reads better than a guard.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);

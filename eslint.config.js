// Lint: type-aware rules from typescript-eslint (on TypeScript 5.9, beside the native TS 7 compiler
// used for type checks) and the import boundaries of docs/ARCHITECTURE (shared → core → adapters).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (...groups) => ['error', { patterns: groups }];
// Relative imports only: '@mantine/core' is a package, '../../core/app' is our core.
const into = (...dirs) => `^(\\./|(\\.\\./)+)(src/)?(${dirs.join('|')})(/|$)`;
const noCore = { regex: into('core'), message: 'Only main, webhost, cli and server may import src/core.' };
const noAdapters = {
  regex: into('main', 'webhost', 'cli', 'renderer', 'preload', 'server'),
  message: 'Adapters and UI are not imported from here (see ARCHITECTURE.md, Import boundaries).',
};
const coreEnvironment = { group: ['electron', 'react', 'react-dom'], message: 'core is environment-free.' };
const noNodeOrElectron = {
  group: ['electron', 'node:*', 'fs', 'path', 'child_process', 'better-sqlite3', 'pg', 'argon2', 'keytar'],
  message: 'The renderer runs in a sandboxed page: no Node, no Electron, no database.',
};

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'resources/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'No default exports in src.' },
      ],
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': restrict(noCore, noAdapters, {
        group: ['node:*', 'electron'],
        message: 'shared runs anywhere.',
      }),
    },
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': restrict(noAdapters, coreEnvironment),
    },
  },
  {
    // Handlers turn a call into service calls: no SQL, no tables, no store of their own.
    files: ['src/core/**/*.handlers.ts'],
    rules: {
      'no-restricted-imports': restrict(noAdapters, coreEnvironment, {
        group: ['drizzle-orm', 'drizzle-orm/*', '**/db/*', '**/*.repo', '**/*.repo.sql', '**/*.schema'],
        message: 'Handlers call services; queries and tables belong to repositories (docs/architecture.md).',
      }),
    },
  },
  {
    // Keys and ciphers sit below every area that uses them.
    files: ['src/core/crypto/**'],
    rules: {
      'no-restricted-imports': restrict(noAdapters, coreEnvironment, {
        group: ['**/events/*', '**/customers/*', '**/gdpr/*', '**/auth/*', '**/*.handlers'],
        message: 'crypto is used by the areas, never the other way round.',
      }),
    },
  },
  { files: ['src/renderer/**'], rules: { 'no-restricted-imports': restrict(noCore, noAdapters, noNodeOrElectron) } },
  {
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': restrict(noCore, noAdapters, {
        regex: '^((\\.\\./)+shared/contract(/(?!names$).*)?|zod)$',
        message: 'The preload imports the name list only (shared/contract/names).',
      }),
    },
  },
  {
    files: ['src/main/**', 'src/webhost/**', 'src/cli/**'],
    rules: {
      'no-restricted-imports': restrict({
        regex: into('renderer', 'preload'),
        message: 'Adapters talk to the renderer over IPC only.',
      }),
    },
  },
  {
    // Tests read JSON that processes print and use expect's asymmetric matchers (typed any).
    files: ['**/*.test.ts', 'test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // electron-builder takes a hook module's default export.
  {
    files: ['**/*.config.ts', 'eslint.config.js', 'drizzle/**', 'scripts/packaging/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);

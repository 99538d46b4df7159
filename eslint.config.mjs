// Lint, including the import boundaries between runtime layers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const restrict = (patterns, paths = []) => ['error', { patterns, paths }];
const noNode = { group: ['node:*'], message: 'shared/ runs anywhere: no Node built-ins' };
const nodeBuiltins = ['fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'worker_threads', 'url', 'stream', 'util', 'events', 'zlib'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      'no-empty': ['error', { allowEmptyCatch: true }],
      // No reaching across layers with ../../ except into shared/ (which every layer may use).
      'no-restricted-imports': restrict([
        { regex: '^(\\.\\./)+(renderer|preload)/', message: 'Only renderer code imports renderer/ (and preload is an entry, never imported)' },
      ]),
    },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': restrict(
        [
          noNode,
          { group: ['electron', 'react', 'react-dom', 'react/*', '@mui/*', 'typeorm', 'better-sqlite3', 'ag-grid-*', 'zustand', 'chart.js', 'pdfkit', 'exceljs'], message: 'shared/ imports no Electron, React, UI, TypeORM or Node-only libraries' },
          { regex: '^(\\.\\./)+(main|renderer|preload|test)(/|$)', message: 'shared/ must not import main/, renderer/, preload/ or test/' },
        ],
        nodeBuiltins,
      ),
      'no-restricted-globals': ['error', { name: 'window', message: 'no DOM in shared/' }, { name: 'document', message: 'no DOM in shared/' }, { name: 'process', message: 'no Node globals in shared/' }, { name: 'Buffer', message: 'no Node globals in shared/' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrict(
        [
          noNode,
          { group: ['electron', 'typeorm', 'better-sqlite3', 'pdfkit', 'exceljs'], message: 'the renderer talks to the backend only through the API client' },
          { regex: '^(\\.\\./)+(main|preload|test)(/|$)', message: 'renderer/ must not import main/, preload/ or test/' },
        ],
        nodeBuiltins,
      ),
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { regex: '^(\\.\\./)+(main|renderer|test)(/|$)', message: 'preload/ may import only shared/ and electron' },
      ]),
    },
  },
  {
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { regex: '^(\\.\\./)+(renderer|preload|test)(/|$)', message: 'main/ must not import renderer/, preload/ or test/' },
        { group: ['react', 'react-dom', '@mui/*', 'ag-grid-*'], message: 'no UI code in main/' },
      ]),
    },
  },
  {
    files: ['test/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);

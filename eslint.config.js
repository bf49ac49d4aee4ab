// ESLint with typescript-eslint's recommended and type-checked rules (issue 13).
// `npm run lint` runs it with zero warnings allowed; `npm test` (and so `.ci/run`) runs it before the tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The few globals the plain JavaScript files use (no `globals` package: the lists are short and checked).
const nodeGlobals = {
  process: 'readonly',
  console: 'readonly',
  URL: 'readonly',
  URLSearchParams: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
};
const browserGlobals = {
  window: 'readonly',
  document: 'readonly',
  getComputedStyle: 'readonly',
  NodeFilter: 'readonly',
  confirm: 'readonly',
  alert: 'readonly',
  console: 'readonly',
  URL: 'readonly',
  URLSearchParams: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'bench/.data/**',
      '.screens/**',
      'coverage/**',
      'migrations/**',
      'tmp/**',
      'data/**',
      'backups/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  // `const { secret: _s, ...rest } = x` is how a field is left out of a copy.
  { rules: { '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }] } },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  // Node scripts (the bench's servers, this file).
  { files: ['bench/**/*.mjs', '*.js'], languageOptions: { globals: nodeGlobals } },
  // Scripts that run in the browser: the pages' own scripts and the layout probe the browser tests add to a page.
  { files: ['public/**/*.js', 'test/ui/probe.js'], languageOptions: { sourceType: 'script', globals: browserGlobals } },
);

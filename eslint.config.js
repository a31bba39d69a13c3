// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Node's built-in modules in both spellings (`fs` and `node:fs`); code that must run in a
// browser or in plain TypeScript may not reach for them.
const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

/**
 * The layer rules from design/architecture.md, one entry per runtime. Each names what that
 * layer may not import, with the reason shown to whoever trips it.
 */
const layers = {
  shared: {
    files: ['shared/**/*.ts'],
    patterns: [
      {
        group: ['**/electron/**', '**/renderer/**', '**/gateway/**', '@enscale-ssh/gateway'],
        message: 'shared/ is plain TypeScript used by every layer: it imports nothing from them.',
      },
    ],
    paths: ['electron', 'react', 'react-dom', 'ssh2', 'keytar', 'node-pty', ...nodeBuiltins],
    why: 'shared/ runs in Node and in the browser alike: no platform modules.',
  },
  renderer: {
    files: ['renderer/src/**/*.{ts,tsx}'],
    patterns: [
      {
        group: ['**/electron/**', '**/gateway/**', '@enscale-ssh/gateway'],
        message: 'The renderer reaches the rest of the app only through window.enscale.',
      },
    ],
    paths: ['electron', 'ssh2', 'keytar', 'node-pty', 'better-sqlite3', ...nodeBuiltins],
    why: 'The renderer is DOM + React only; it talks to the core through window.enscale.',
  },
  core: {
    files: ['electron/core/**/*.ts', 'electron/cli/**/*.ts', 'electron/webhost/**/*.ts'],
    patterns: [
      {
        group: ['**/renderer/**', '**/electron/main/**', '**/electron/preload/**'],
        message: 'electron/core is Node only and knows nothing of the windows that draw it.',
      },
    ],
    paths: ['electron'],
    why: 'electron/core runs in plain Node (tests, utility process, browser host): no electron import.',
  },
  gateway: {
    files: ['gateway/**/*.ts'],
    patterns: [
      {
        group: ['**/electron/**', '**/renderer/**', '**/shared/**'],
        message: 'gateway/ is its own package: it does not import the desktop app.',
      },
    ],
    paths: ['electron', 'react', 'keytar', 'node-pty'],
    why: 'gateway/ is the platform in miniature and ships separately from the app.',
  },
  elsewhere: {
    files: ['test/**/*.ts', 'scripts/**/*.{js,mjs,ts}'],
    patterns: [],
    paths: ['electron'],
    why: 'Only electron/main and electron/preload import electron.',
  },
};

/*
 * ssh2's private fields and methods, which only packages/ssh2-internals may name: it checks ssh2's
 * exact version at start-up and each field before use, and falls back to ssh2's public path.
 */
const ssh2Private =
  '/^(_protocol|_chanMgr|_chanInfo|_channel|_cipher|_writeReqid|_requests|_maxWriteLen|_maxReadLen|_buffer|_waitWindow|_chunkcb|_extensions|_callbacks|_handlers|_sock|_remoteIdentRaw|allocPacket|channelWindowAdjust|channelOpenFail)$/';
const ssh2Fence =
  'ssh2 internals live in packages/ssh2-internals (version-checked, with fallbacks); use what it exports.';
const privateSsh2Fields = [
  { selector: `MemberExpression[property.name=${ssh2Private}]`, message: ssh2Fence },
  { selector: `TSPropertySignature[key.name=${ssh2Private}]`, message: ssh2Fence },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '.tsbuild/**',
      '**/dist/**',
      '**/out/**',
      'coverage/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // shared/ compiles with the DOM library for AbortSignal and friends, which every runtime has;
    // the globals only one runtime has stay out.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...[
          'window',
          'document',
          'navigator',
          'localStorage',
          'sessionStorage',
          'process',
          'Buffer',
          'require',
        ].map((name) => ({
          name,
          message: 'shared/ runs in Node and in the browser: use neither one’s globals.',
        })),
      ],
    },
  },
  {
    // The renderer runs in a page: the browser's globals, not Node's.
    files: ['renderer/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // A test that finds something missing should fail at that line; `!` says so briefly.
    files: ['test/**/*.ts', 'gateway/test/**/*.ts', 'packages/*/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    ignores: ['packages/ssh2-internals/**', 'electron/**', 'gateway/src/**', 'renderer/**'],
    rules: { 'no-restricted-syntax': ['error', ...privateSsh2Fields] },
  },
  {
    // The app and the gateway may not use the tools that make ssh2 misbehave on purpose either.
    files: ['electron/**/*.{ts,tsx}', 'gateway/src/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...privateSsh2Fields,
        {
          selector: "ImportDeclaration[source.value='@enscale-ssh/ssh2-internals/testing']",
          message: 'The ssh2 testing tools are for tests only.',
        },
      ],
    },
  },
  ...Object.values(layers).map((layer) => ({
    files: layer.files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: layer.paths.map((name) => ({ name, message: layer.why })),
          patterns: layer.patterns,
        },
      ],
    },
  })),
);

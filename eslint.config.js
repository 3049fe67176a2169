// Layer rules, in the spirit of VS Code's layering check: the import zones below keep the
// boundaries of docs/architecture.md true without anyone having to remember them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'http',
  'https',
  'net',
  'url',
  'crypto',
  'stream',
  'zlib',
  'events',
  'util',
];

/**
 * The training core: compile and the training loop with its step, optimizers, schedules,
 * metrics and evaluation. It runs in the engine's worker thread and in a browser worker,
 * so it gets tfjs, datasets and files passed in, never imports them.
 */
const trainingCore = [
  'engine/compile/**',
  ...[
    'trainer',
    'evaluate',
    'control',
    'step',
    'optimizer',
    'schedule',
    'metrics',
    'failures',
    'seeded-random',
    'gradients',
    'tf-types',
  ].map((name) => `engine/train/${name}.ts`),
];

/** Folders of the engine that run anywhere: renderer, worker, Node. */
const anywhere = [
  'engine/protocol/**',
  'engine/graph/**',
  'engine/nodes/**',
  'engine/presets/**',
  'engine/export/**',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'release/**',
      '.cache/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // engine/** first: for the runs-anywhere folders the stricter block below replaces it.
  {
    files: ['engine/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The engine never imports Electron.' }],
          patterns: [
            {
              group: ['react', 'react-dom', '@xyflow/*', '**/renderer/**', '**/app/**'],
              message: 'The engine never imports UI or the app shell.',
            },
          ],
        },
      ],
    },
  },
  {
    files: anywhere,
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The engine core runs anywhere: no Electron.' }],
          patterns: [
            { group: nodeBuiltins, message: 'The engine core runs anywhere: no Node built-ins.' },
            {
              group: ['react', 'react-dom', '@xyflow/*', '**/renderer/**', '**/app/**'],
              message: 'The engine core runs anywhere: no UI, no app shell.',
            },
            {
              group: ['@tensorflow/*'],
              allowTypeImports: true,
              message:
                'The engine core touches tfjs only through `import type`; compile receives tf as an argument.',
            },
            {
              group: ['**/compile/**', '**/train/**', '**/datasets/**', '**/backends/**', '**/host/**'],
              message: 'Runs-anywhere folders may not import Node-only engine folders.',
            },
          ],
        },
      ],
    },
  },
  {
    files: trainingCore,
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The training core runs anywhere: no Electron.' }],
          patterns: [
            {
              group: nodeBuiltins,
              message: 'The training core runs in a browser worker too: no Node built-ins.',
            },
            {
              group: ['react', 'react-dom', '@xyflow/*', '**/renderer/**', '**/app/**'],
              message: 'The training core runs anywhere: no UI, no app shell.',
            },
            {
              group: ['@tensorflow/*'],
              allowTypeImports: true,
              message: 'The training core receives tf as an argument (`import type` only).',
            },
            {
              group: [
                '**/backends/**',
                '**/host/**',
                '**/datasets/index',
                '**/datasets/builtin/**',
                '**/datasets/import/**',
                '**/datasets/cache-*',
                '**/datasets/catalog',
              ],
              message:
                'The training core gets its backend and dataset passed in: only the pure dataset modules (types, random, image-set, pipeline) may be imported.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    ignores: ['renderer/vite.config.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer reaches Electron only through the preload bridge.' },
          ],
          patterns: [
            { group: nodeBuiltins, message: 'The renderer never imports Node.' },
            {
              group: ['@tensorflow/*'],
              allowTypeImports: true,
              message: 'The renderer never imports tfjs; training runs in the engine.',
            },
            {
              group: [
                '**/engine/compile/**',
                '**/engine/train/**',
                '**/engine/datasets/**',
                '**/engine/backends/**',
                '**/engine/host/**',
              ],
              message: 'The renderer reaches the engine through EngineApi only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['app/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tensorflow/*', '**/engine/train/**', '**/engine/compile/**'],
              message: 'Electron main never trains; it forks the engine host.',
            },
          ],
        },
      ],
    },
  },
);

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
    'train-job',
    'memory',
    'training-error',
    'layer-health',
    'model-bytes',
  ].map((name) => `engine/train/${name}.ts`),
  // The training-kernel check runs before training in both hosts.
  'engine/backends/kernel-check.ts',
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
                '!**/backends/kernel-check',
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
  // shared/: what app/ and renderer/ both use (the command table). Runs anywhere, imports nothing of theirs.
  {
    files: ['shared/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'shared/ runs anywhere: no Electron.' }],
          patterns: [
            { group: nodeBuiltins, message: 'shared/ runs anywhere: no Node built-ins.' },
            {
              group: ['react', 'react-dom', '@xyflow/*', '**/renderer/**', '**/app/**', '**/engine/**'],
              message: 'shared/ stands alone: app/ and renderer/ import it, not the other way round.',
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
    // The window's training worker: the one part of the renderer that trains. It runs the
    // engine's training core on the window's WebGPU/WebGL, so it may import tfjs and that
    // core, but still nothing of Node and nothing that reads files or picks Node backends.
    files: ['renderer/src/window-training/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer reaches Electron only through the preload bridge.' },
          ],
          patterns: [
            { group: nodeBuiltins, message: 'The window training worker runs in a browser: no Node.' },
            {
              group: [
                '**/engine/host/**',
                '**/engine/backends/**',
                '!**/engine/backends/kernel-check',
                '**/engine/datasets/index',
                '**/engine/datasets/catalog',
                '**/engine/datasets/cache-file',
                '**/engine/datasets/cache-store',
                '**/engine/datasets/builtin/**',
                '**/engine/datasets/import/**',
                '**/engine/train/runner',
                '**/engine/train/worker',
                '**/engine/train/run-manager',
                '**/engine/train/checkpoint',
              ],
              message:
                'The window training worker uses the runs-anywhere training core only (train-job, trainer, compile, the pure dataset modules).',
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

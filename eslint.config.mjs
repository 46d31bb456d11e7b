import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The module layers, lowest first (docs/architecture.md). A module may import modules of lower
 * layers only: never one of its own layer or above. A lower module that must tell a higher one
 * something publishes a domain event (src/modules/outbox) that the higher one subscribes to.
 */
const MODULE_LAYERS = [
  ['audit', 'storage', 'outbox', 'billing', 'metrics', 'health'],
  ['organizations'],
  ['auth', 'rate-limits', 'generators'],
  ['schedules'],
  ['executions'],
  ['delivery'],
  ['scheduler', 'privacy'],
];
/** Below every module: they import no module (entities.ts, the composition root, excepted). */
const FOUNDATION = ['domain', 'common', 'config', 'queue', 'database'];

const NO_DEEP_RELATIVE = { group: ['../../*'], message: "Import via 'src/...'." };

function moduleBoundaries() {
  return MODULE_LAYERS.flatMap((layer, level) =>
    layer.map((name) => {
      const forbidden = MODULE_LAYERS.slice(level)
        .flat()
        .filter((other) => other !== name);
      return {
        files: [`src/modules/${name}/**/*.ts`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns: [
                NO_DEEP_RELATIVE,
                ...forbidden.map((other) => ({
                  group: [`src/modules/${other}`, `src/modules/${other}/**`],
                  message: `'${name}' may not import '${other}' (same or higher layer, see eslint.config.mjs): publish a domain event instead, or move the shared piece down.`,
                })),
              ],
            },
          ],
        },
      };
    }),
  );
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'var/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { patterns: [NO_DEEP_RELATIVE] }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
      'import-x/internal-regex': '^(src|test)/',
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  ...moduleBoundaries(),
  {
    files: FOUNDATION.map((dir) => `src/${dir}/**/*.ts`),
    ignores: ['src/database/entities.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_DEEP_RELATIVE,
            {
              group: ['src/modules', 'src/modules/**'],
              message: 'The foundation (domain, common, config, queue, database) imports no module.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through AppConfigService.' },
      ],
    },
  },
);

// Lint: typescript-eslint's recommended rules, plus the purity rule from ARCHITECTURE.md:
// the pure cores (resp/, keyspace/, cluster/ except cluster/bus/) take time and randomness as
// arguments, and do no I/O, so the same code runs in the node and in the simulator.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const impureGlobals = [
  { object: 'Date', property: 'now', message: 'Pure code takes a Clock (src/lib/clock.ts).' },
  { object: 'Math', property: 'random', message: 'Pure code takes a Random (src/lib/random.ts).' },
  { object: 'process', property: 'hrtime', message: 'Pure code takes a Clock (src/lib/clock.ts).' },
  { object: 'performance', property: 'now', message: 'Pure code takes a Clock (src/lib/clock.ts).' },
];
const impureNames = ['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask'].map((name) => ({
  name,
  message: 'Pure code has no timers: it is driven by tick(nowMs) from the I/O layer.',
}));
const impureModules = ['node:net', 'node:fs', 'node:fs/promises', 'node:dgram', 'node:child_process', 'net', 'fs', 'fs/promises', 'node:timers', 'node:timers/promises'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/resp/**/*.ts', 'src/keyspace/**/*.ts', 'src/cluster/**/*.ts'],
    ignores: ['src/cluster/bus/**', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error', ...impureGlobals],
      'no-restricted-globals': ['error', ...impureNames],
      'no-restricted-imports': ['error', { paths: impureModules.map((name) => ({ name, message: 'Pure folders do no I/O.' })) }],
    },
  },
);

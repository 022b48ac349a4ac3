#!/usr/bin/env node
// Runs the compiled tests with node's test runner. `unit`: every *.test.js under dist/src and
// dist/test/integration (no Redis tools needed). `compat`: dist/test/compat (needs redis-server,
// redis-cli and redis-benchmark on PATH). Extra arguments filter files by substring.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const suite = process.argv[2];
const filters = process.argv.slice(3);
const roots = suite === 'compat' ? ['dist/test/compat'] : ['dist/src', 'dist/test/integration', 'dist/sim'];

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (entry.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const files = roots.flatMap((root) => collect(root, [])).filter((file) => filters.length === 0 || filters.some((f) => file.includes(f))).sort();
if (files.length === 0) {
  console.error(`no test files found for suite '${suite}'`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);

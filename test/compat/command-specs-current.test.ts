import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('the generated command specs equal what the installed redis-server 7.0 reports', () => {
  const script = fileURLToPath(new URL('../../scripts/capture-command-specs.js', import.meta.url));
  const result = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, `capture-command-specs --check failed:\n${result.stdout}\n${result.stderr}`);
});

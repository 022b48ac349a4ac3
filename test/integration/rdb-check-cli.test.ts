import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliPath } from '../support/tessera.js';

const FIXTURE = fileURLToPath(new URL('../../../src/persistence/rdb/testdata/all-types.rdb', import.meta.url));

function rdbCheck(file: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, 'rdb', 'check', file], { timeout: 10_000 }, (error, stdout) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout });
    });
  });
}

test('tessera rdb check: exit 0 and counts for a good file; exit 1 with offset, key and reason for a cut one', async (t) => {
  const good = await rdbCheck(FIXTURE);
  assert.equal(good.code, 0);
  assert.match(good.stdout, /\\o\/ RDB looks OK! \\o\//);
  assert.match(good.stdout, /\[info\] 54 keys read/);

  const dir = mkdtempSync(join(tmpdir(), 'tessera-rdb-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cut = join(dir, 'cut.rdb');
  writeFileSync(cut, readFileSync(FIXTURE).subarray(0, 30000));
  const bad = await rdbCheck(cut);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /--- RDB ERROR DETECTED ---\n\[offset 17346\] unexpected end of data/);
  assert.match(bad.stdout, /Reading key 'str:100k'/);

  const missing = await rdbCheck(join(dir, 'nope.rdb'));
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /Cannot open RDB file/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../support/redis-server-process.js';
import { cliPath } from '../support/tessera.js';
import { tempDir } from '../support/aof-files.js';

/** Runs `tessera server` on `dir` with appendonly yes until it exits; its exit code and output. */
async function runUntilExit(dir: string, extra: string[] = []): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [cliPath, 'server', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, output };
}

test('a bad AOF manifest: Redis\'s fatal lines, exit status 1', async (t) => {
  const dir = tempDir(t, 'aof-proc-manifest');
  mkdirSync(join(dir, 'appendonlydir'));
  writeFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'file appendonly.aof.1.incr.aof seq 1 type z\n');
  const { code, output } = await runUntilExit(dir);
  assert.equal(code, 1);
  assert.match(output, /\*\*\* FATAL AOF MANIFEST FILE ERROR \*\*\*/);
  assert.match(output, /Reading the manifest file, at line 1/);
  assert.match(output, /Unknown AOF file type/);
});

test('a truncated AOF with aof-load-truncated no: the fix hint, exit status 1', async (t) => {
  const dir = tempDir(t, 'aof-proc-trunc');
  mkdirSync(join(dir, 'appendonlydir'));
  writeFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'file appendonly.aof.1.incr.aof seq 1 type i\n');
  writeFileSync(join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), '*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n');
  appendFileSync(join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), '*3\r\n$3\r\nSET\r\n$1\r\nb');
  const { code, output } = await runUntilExit(dir, ['--aof-load-truncated', 'no']);
  assert.equal(code, 1);
  assert.match(output, /Unexpected end of file reading the append only file appendonly\.aof\.1\.incr\.aof\. You can: 1\) Make a backup/);
  assert.doesNotMatch(output, /Ready to accept connections/);
});

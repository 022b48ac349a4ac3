import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectIoredis, rawClient } from '../support/clients.js';
import { readDataset } from '../support/dataset.js';
import { cliPath } from '../support/tessera.js';
import { freePort, stopProcess, waitForOutput } from '../support/redis-server-process.js';

/** Bound for any process in these tests to start, answer or exit. */
const PROCESS_TIMEOUT_MS = 15_000;

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-rdb-process-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Launched {
  port: number;
  child: ChildProcess;
  output: () => string;
}

/** `tessera server` in `dir` (where dump.rdb lives), stopped by the test's cleanup if still running. */
async function launch(t: TestContext, dir: string, args: string[] = []): Promise<Launched> {
  const port = await freePort();
  const child = spawn(process.execPath, [cliPath, 'server', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--enable-debug-command', 'yes', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  t.after(() => stopProcess(child));
  await waitForOutput(child, (text) => text.includes('Ready to accept connections'), PROCESS_TIMEOUT_MS, 'tessera server');
  return { port, child, output: () => output };
}

function exitOf(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(child.signalCode);
  return once(child, 'exit').then(([code, signal]) => (code === null ? (signal as string) : (code as number)));
}

/** Runs `tessera server` expecting it to stop by itself (a start-up failure). */
async function runToExit(dir: string): Promise<{ code: number | string | null; output: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [cliPath, 'server', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_TIMEOUT_MS);
  const code = await exitOf(child);
  clearTimeout(timer);
  return { code, output };
}

test('a restarted node loads dump.rdb: same keys, values and TTLs', async (t) => {
  const dir = tempDir(t);
  const first = await launch(t, dir, ['--save', '']);
  const client = await connectIoredis(t, first.port);
  await client.set('plain', 'v');
  await client.set('with-ttl', 'v', 'EX', 3600);
  await client.hset('h', 'a', '1', 'b', '2');
  await client.rpush('l', 'x', 'y');
  await client.zadd('z', 1, 'm');
  await client.select(3);
  await client.sadd('s', 'p', 'q');
  await client.select(0);
  const before = await readDataset(client);
  assert.equal(await client.save(), 'OK');
  await client.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
  assert.equal(await exitOf(first.child), 0);
  const second = await launch(t, dir, ['--save', '']);
  assert.match(second.output(), /DB loaded from disk/);
  assert.match(second.output(), /Done loading RDB, keys loaded: 6, keys expired: 0/);
  const again = await connectIoredis(t, second.port);
  assert.deepEqual(await readDataset(again), before);
});

test('SIGTERM with save points saves before exiting; the next start has the data', async (t) => {
  const dir = tempDir(t);
  const node = await launch(t, dir, ['--save', '3600 1']);
  const client = await connectIoredis(t, node.port);
  await client.set('a', '1');
  node.child.kill('SIGTERM');
  assert.equal(await exitOf(node.child), 0);
  assert.match(node.output(), /Saving the final RDB snapshot before exiting\./);
  assert.match(node.output(), /DB saved on disk/);
  const next = await launch(t, dir, ['--save', '']);
  const again = await connectIoredis(t, next.port);
  assert.equal(await again.get('a'), '1');
});

test('SHUTDOWN NOSAVE skips the save points; SHUTDOWN SAVE saves without them; a failed save refuses unless FORCE', async (t) => {
  const dir = tempDir(t);
  const withPoints = await launch(t, dir, ['--save', '3600 1']);
  const client = await connectIoredis(t, withPoints.port);
  await client.set('a', '1');
  await client.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
  assert.equal(await exitOf(withPoints.child), 0);
  assert.ok(!existsSync(join(dir, 'dump.rdb')));

  const noPoints = await launch(t, dir, ['--save', '', '--enable-protected-configs', 'yes']);
  const raw = await rawClient(t, noPoints.port);
  await raw.call('SET', 'b', '2');
  const doomed = join(dir, 'doomed');
  mkdirSync(doomed);
  await raw.call('CONFIG', 'SET', 'dir', doomed);
  rmSync(doomed, { recursive: true });
  assert.deepEqual(await raw.call('SHUTDOWN', 'SAVE'), { type: 'error', value: 'ERR Errors trying to SHUTDOWN. Check logs.' });
  assert.match(noPoints.output(), /Error trying to save the DB, can't exit\./);
  raw.writeRaw('*3\r\n$8\r\nSHUTDOWN\r\n$4\r\nSAVE\r\n$5\r\nFORCE\r\n');
  assert.equal(await exitOf(noPoints.child), 0);
  assert.match(noPoints.output(), /Error trying to save the DB\. Exit anyway\./);
});

test('a node killed in the middle of a BGSAVE leaves the previous dump.rdb whole', async (t) => {
  const dir = tempDir(t);
  const node = await launch(t, dir, ['--save', '']);
  const client = await connectIoredis(t, node.port);
  await client.set('version', '1');
  await client.save();
  const good = readFileSync(join(dir, 'dump.rdb'));
  await client.set('version', '2');
  const pipeline = client.pipeline();
  for (let i = 0; i < 2000; i++) pipeline.set(`k${i}`, `v${i}`);
  await pipeline.exec();
  // 1 ms per key: the BGSAVE would take 2 s; it is killed once its temp file has bytes.
  await client.config('SET', 'rdb-key-save-delay', '1000');
  assert.equal(await client.bgsave(), 'Background saving started');
  const tempFile = () => readdirSync(dir).find((name) => name.startsWith('temp-'));
  for (let i = 0; i < 100 && tempFile() === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(tempFile() !== undefined, 'the background save was writing its temp file');
  node.child.kill('SIGKILL');
  await exitOf(node.child);
  assert.deepEqual(readFileSync(join(dir, 'dump.rdb')), good);
  const next = await launch(t, dir, ['--save', '']);
  const again = await connectIoredis(t, next.port);
  assert.equal(await again.get('version'), '1');
  assert.equal(await again.dbsize(), 1);
});

test('a corrupt or truncated dump.rdb: the node refuses to start, exit 1, with a message', async (t) => {
  const dir = tempDir(t);
  const node = await launch(t, dir, ['--save', '']);
  const client = await connectIoredis(t, node.port);
  for (let i = 0; i < 50; i++) await client.set(`key${i}`, `value${i}`);
  await client.save();
  await client.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
  await exitOf(node.child);
  const good = readFileSync(join(dir, 'dump.rdb'));

  writeFileSync(join(dir, 'dump.rdb'), good.subarray(0, Math.floor(good.length / 2)));
  const truncated = await runToExit(dir);
  assert.equal(truncated.code, 1);
  assert.match(truncated.output, /loading .*dump\.rdb.*Exiting\./);

  const flipped = Buffer.from(good);
  flipped[40] = (flipped[40] as number) ^ 0xff;
  writeFileSync(join(dir, 'dump.rdb'), flipped);
  const corrupt = await runToExit(dir);
  assert.equal(corrupt.code, 1);
  assert.match(corrupt.output, /Exiting\./);

  writeFileSync(join(dir, 'dump.rdb'), 'not an rdb file at all');
  const garbage = await runToExit(dir);
  assert.equal(garbage.code, 1);
  assert.match(garbage.output, /Wrong signature trying to load DB from file/);
  assert.doesNotMatch(garbage.output, /Ready to accept connections/);
});

test('SIGTERM whose final save fails leaves the node running, as Redis does', async (t) => {
  const dir = tempDir(t);
  const node = await launch(t, dir, ['--save', '3600 1', '--enable-protected-configs', 'yes']);
  const raw = await rawClient(t, node.port);
  await raw.call('SET', 'a', '1');
  const doomed = join(dir, 'doomed');
  mkdirSync(doomed);
  await raw.call('CONFIG', 'SET', 'dir', doomed);
  rmSync(doomed, { recursive: true });
  node.child.kill('SIGTERM');
  for (let i = 0; i < 200 && !node.output().includes('errors trying to shut down'); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.match(node.output(), /SIGTERM received but errors trying to shut down the server, check the logs for more information/);
  assert.deepEqual(await raw.call('GET', 'a'), { type: 'bulk', value: '1' });
  raw.writeRaw('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
  assert.equal(await exitOf(node.child), 0);
});

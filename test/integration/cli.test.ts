import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { cliPath } from '../support/tessera.js';
import { freePort, stopProcess, waitForOutput } from '../support/redis-server-process.js';

/** Bound for any process in these tests to start, answer or exit. */
const PROCESS_TIMEOUT_MS = 10_000;

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tessera server ...` to its end (for start-up failures and the daemonizing parent). */
function runToExit(args: string[], cwd?: string): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'server', ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tessera server ${args.join(' ')} did not exit:\n${stdout}${stderr}`));
    }, PROCESS_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function startServer(t: { after: (fn: () => Promise<void>) => void }, args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [cliPath, 'server', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => stopProcess(child));
  await waitForOutput(child, (text) => text.includes('Ready to accept connections'), PROCESS_TIMEOUT_MS, 'tessera server');
  return { child, output: () => output, exited };
}

async function configGet(options: { port?: number; path?: string }, name: string): Promise<string | undefined> {
  const client = new Redis({ ...options, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const pair = (await client.call('CONFIG', 'GET', name)) as string[];
    return pair[1];
  } finally {
    client.disconnect();
  }
}

test('a bad config file line: Redis message on stderr, exit 1', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'bad.conf');
  writeFileSync(file, 'port 7000\n# comment\nmaxmemory 10zz\n');
  const result = await runToExit([file]);
  assert.equal(result.code, 1);
  assert.equal(result.stderr, "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'maxmemory 10zz'\nargument must be a memory value\n");
});

test('bad command-line flags are numbered after the file, quoted like Redis', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'ok.conf');
  writeFileSync(file, 'port 7000\n');
  const unknown = await runToExit([file, '--port', '7001', '--no-such-thing', 'a b']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /at line 4\n>>> 'no-such-thing "a b"'\nBad directive or wrong number of arguments\n$/);
  const quotes = await runToExit(['--loglevel', 'x y']);
  assert.equal(quotes.code, 1);
  assert.match(quotes.stderr, /at line 2\n>>> 'loglevel "x y"'\nargument\(s\) must be one of the following: debug, verbose, notice, warning\n$/);
  const unbalanced = await runToExit([file.replace('ok.conf', 'q.conf')]);
  assert.equal(unbalanced.code, 1);
  assert.match(unbalanced.stdout, /Fatal error, can't open config file '.*q\.conf': No such file or directory/);
});

test('flags override the file; SIGTERM shuts down cleanly with exit 0', async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const file = join(dir, 'redis.conf');
  writeFileSync(file, `port 1\nbind 127.0.0.1\nhz 33\nmaxclients 50\ndir ${dir}\n`);
  const node = await startServer(t, [file, '--port', String(port), '--maxclients', '60']);
  assert.equal(await configGet({ port }, 'maxclients'), '60');
  assert.equal(await configGet({ port }, 'hz'), '33');
  node.child.kill('SIGTERM');
  assert.equal(await node.exited, 0);
  assert.match(node.output(), /\d+:signal-handler \(\d+\) Received SIGTERM scheduling shutdown\.\.\.\n/);
  assert.match(node.output(), /# User requested shutdown\.\.\.\n(.*\n)*.*# Redis is now ready to exit, bye bye\.\.\.\n/);
});

test('SIGINT shuts down cleanly with exit 0', async (t) => {
  const port = await freePort();
  const node = await startServer(t, ['--port', String(port), '--bind', '127.0.0.1']);
  node.child.kill('SIGINT');
  assert.equal(await node.exited, 0);
  assert.match(node.output(), /Received SIGINT scheduling shutdown\.\.\./);
});

test('pidfile written at start and removed at exit; logfile relative to dir; unixsocket reachable', async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const pidfile = join(dir, 'node.pid');
  const socket = join(dir, 'node.sock');
  const node = await startServerWithLog(t, dir, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--pidfile', pidfile, '--logfile', 'node.log', '--unixsocket', socket, '--unixsocketperm', '700']);
  assert.equal(readFileSync(pidfile, 'latin1'), `${node.child.pid}\n`);
  assert.equal(await configGet({ path: socket }, 'unixsocketperm'), '700');
  node.child.kill('SIGTERM');
  assert.equal(await node.exited, 0);
  assert.ok(!existsSync(pidfile));
  assert.ok(!existsSync(socket));
  const log = readFileSync(join(dir, 'node.log'), 'latin1');
  assert.match(log, /^\d+:C \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n/);
  assert.match(log, /\* Ready to accept connections\n/);
  assert.match(log, /\* Removing the pid file\.\n(.*\n)*.*Redis is now ready to exit, bye bye\.\.\.\n$/);
});

/** Like startServer, but the readiness line is in the log file, not on stdout. */
async function startServerWithLog(t: { after: (fn: () => Promise<void>) => void }, dir: string, args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [cliPath, 'server', ...args], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => stopProcess(child));
  await waitFor(() => existsSync(join(dir, 'node.log')) && readFileSync(join(dir, 'node.log'), 'latin1').includes('Ready to accept connections'));
  return { child, output: () => readFileSync(join(dir, 'node.log'), 'latin1'), exited };
}

/** Polls a file-system condition (no event exists for another process's files), bounded. */
async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + PROCESS_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('daemonize yes: the parent exits 0 once the daemon listens; the daemon writes its pid file', async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const pidfile = join(dir, 'daemon.pid');
  const result = await runToExit(['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'yes', '--pidfile', pidfile, '--logfile', join(dir, 'daemon.log')]);
  assert.equal(result.code, 0);
  const pid = Number(readFileSync(pidfile, 'latin1').trim());
  t.after(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  assert.equal(await configGet({ port }, 'daemonize'), 'yes');
  process.kill(pid, 'SIGTERM');
  await waitFor(() => !existsSync(pidfile));
  assert.match(readFileSync(join(dir, 'daemon.log'), 'latin1'), /Redis is now ready to exit, bye bye/);
});

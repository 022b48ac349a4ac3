import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { RawClient, replyToPlain } from '../support/raw-client.js';
import { startServerProcess, type RunningProcess } from '../support/redis-server-process.js';
import { cliPath } from '../support/tessera.js';

/**
 * AOF write errors, real ones, side by side with redis-server 7.0: both run under a file size
 * limit (RLIMIT_FSIZE, SIGXFSZ ignored), so the incr file's write(2) comes out short and then
 * fails with EFBIG, exactly as on a full disk. Raising the limit with prlimit(1) lets the retry
 * through. The replies, the INFO fields and the exits are compared.
 */

/** The incr file limit: three 529-byte SETs fit (1,610 bytes), the fourth is cut short. */
const FILE_SIZE_LIMIT_BYTES = 2000;
const VALUE = 'v'.repeat(500);

type Server = 'redis' | 'tessera';

function startLimited(t: TestContext, server: Server, args: string[]): Promise<RunningProcess> {
  // `sh` ignores SIGXFSZ and execs: the server keeps it ignored and write(2) returns EFBIG.
  const wrapped = (command: string[]) => ['-c', `trap '' XFSZ; exec prlimit --fsize=${FILE_SIZE_LIMIT_BYTES}:unlimited "$@"`, 'sh', ...command];
  const common = (port: number, dir: string) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', ...args];
  return startServerProcess(`${server}-fsize`, 'sh', (port, dir) =>
    wrapped(server === 'redis' ? ['redis-server', ...common(port, dir)] : [process.execPath, cliPath, 'server', ...common(port, dir)]),
  ).then((running) => {
    t.after(() => running.stop());
    return running;
  });
}

function liftFileSizeLimit(running: RunningProcess): void {
  execFileSync('prlimit', ['--pid', String(running.process.pid), '--fsize=unlimited:unlimited']);
}

async function plain(client: RawClient, ...argv: string[]): Promise<unknown> {
  return replyToPlain(await client.call(...argv));
}

async function persistenceInfo(client: RawClient): Promise<Map<string, string>> {
  const reply = await client.call('INFO', 'persistence');
  assert.equal(reply.type, 'bulk');
  const fields = new Map<string, string>();
  for (const line of String(reply.value).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

const COMPARED_AOF_FIELDS = ['aof_enabled', 'aof_last_write_status', 'aof_current_size', 'aof_base_size', 'aof_buffer_length', 'aof_pending_rewrite', 'aof_rewrites'];

function pick(fields: Map<string, string>): Record<string, string | undefined> {
  return Object.fromEntries(COMPARED_AOF_FIELDS.map((name) => [name, fields.get(name)]));
}

async function waitWriteStatusOk(client: RawClient): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await persistenceInfo(client)).get('aof_last_write_status') !== 'ok') {
    if (Date.now() > deadline) assert.fail('aof_last_write_status still err 5 s after the limit was lifted');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The everysec scenario on one server: what a client sees before, during and after the error. */
async function everysecTranscript(t: TestContext, server: Server): Promise<{ replies: unknown[]; infos: unknown[]; log: string }> {
  const running = await startLimited(t, server, ['--appendfsync', 'everysec']);
  const client = await RawClient.connect(running.port);
  t.after(() => client.close());
  const replies: unknown[] = [];
  const infos: unknown[] = [];
  const run = async (...argv: string[]) => replies.push([argv.join(' ').slice(0, 40), await plain(client, ...argv)]);
  // A transaction queued before the error and executed after it.
  const queuing = await RawClient.connect(running.port);
  t.after(() => queuing.close());
  const runQueuing = async (...argv: string[]) => replies.push([`queuing: ${argv.join(' ')}`, await plain(queuing, ...argv)]);
  await runQueuing('MULTI');
  await runQueuing('SET', 'queued', '1');
  for (let i = 1; i <= 4; i++) await run('SET', `k${i}`, VALUE);
  await runQueuing('EXEC');
  await runQueuing('GET', 'queued');
  infos.push(pick(await persistenceInfo(client)));
  await run('SET', 'k5', 'x');
  await run('PING');
  await run('GET', 'k4');
  await run('DEL', 'k1');
  await run('EVAL', "return redis.call('set', 'x', '1')", '0');
  await run('EVAL', "return redis.pcall('set', 'x', '1')", '0');
  await run('EVAL', '#!lua\nreturn 1', '0');
  await run('EVAL', '#!lua flags=no-writes\nreturn 1', '0');
  await run('MULTI');
  await run('SET', 'in-multi', '1');
  await run('EXEC');
  await run('INCR', 'counter');
  infos.push(pick(await persistenceInfo(client)));
  liftFileSizeLimit(running);
  await waitWriteStatusOk(client);
  infos.push(pick(await persistenceInfo(client)));
  await run('SET', 'k5', 'x');
  await run('PING');
  await run('DBSIZE');
  infos.push(pick(await persistenceInfo(client)));
  return { replies, infos, log: running.output() };
}

test('a full AOF (everysec): -MISCONF for writes and PING, retried and cleared once writes fit, as redis-server 7.0', async (t) => {
  const redis = await everysecTranscript(t, 'redis');
  const tessera = await everysecTranscript(t, 'tessera');
  assert.deepEqual(tessera.replies, redis.replies);
  assert.deepEqual(tessera.infos, redis.infos);
  for (const line of ['Short write while writing to the AOF file: (nwritten=390, expected=529)', 'AOF write error looks solved, Redis can write again.']) {
    assert.ok(redis.log.includes(line), `redis-server logs ${line}`);
    assert.ok(tessera.log.includes(line), `tessera logs ${line}:\n${tessera.log}`);
  }
});

/** appendfsync always: the write that does not fit ends the process before its reply. */
async function alwaysTranscript(t: TestContext, server: Server): Promise<{ replies: unknown[]; exitCode: number | null; log: string }> {
  const running = await startLimited(t, server, ['--appendfsync', 'always']);
  const exited = new Promise<number | null>((resolve) => running.process.once('exit', (code) => resolve(code)));
  const client = await RawClient.connect(running.port);
  t.after(() => client.close());
  const replies: unknown[] = [];
  for (let i = 1; i <= 4; i++) {
    try {
      replies.push(await plain(client, 'SET', `k${i}`, VALUE));
    } catch (error) {
      replies.push({ failed: (error as Error).message.includes('no reply') ? 'no reply' : 'connection closed' });
      break;
    }
  }
  return { replies, exitCode: await exited, log: running.output() };
}

test('a full AOF (always): the server exits with status 1 before acknowledging, as redis-server 7.0', async (t) => {
  const redis = await alwaysTranscript(t, 'redis');
  const tessera = await alwaysTranscript(t, 'tessera');
  assert.deepEqual(tessera.replies, redis.replies);
  assert.equal(redis.exitCode, 1);
  assert.equal(tessera.exitCode, 1);
  const line = "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...";
  assert.ok(redis.log.includes(line));
  assert.ok(tessera.log.includes(line), tessera.log);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultyAofFileOps } from '../../../test/support/faulty-aof-file-ops.js';
import { AofWriter } from './aof-writer.js';

function setup(t: { after: (fn: () => void) => void }, policy: 'always' | 'everysec' | 'no') {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-aof-writer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'incr.aof');
  const fd = openSync(path, 'a');
  let nowMs = 1_000_000;
  const logs: string[] = [];
  const exits: number[] = [];
  const ops = new FaultyAofFileOps();
  const rewriting = { active: false };
  const writer = new AofWriter(fd, 0, {
    policy,
    log: { log: (_level, message) => logs.push(message) },
    nowMs: () => nowMs,
    fileOps: ops,
    exit: (code) => exits.push(code),
    skipFsync: () => rewriting.active,
  });
  return { writer, path, advance: (ms: number) => (nowMs += ms), logs, ops, exits, rewriting };
}

const SET_A = '*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n';
const SELECT_0 = '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n';

async function fsyncSettled(writer: AofWriter): Promise<void> {
  for (let turns = 0; writer.fsyncInProgress && turns < 10_000; turns++) await new Promise((resolve) => setImmediate(resolve));
}

test('commands are buffered until flush, with one SELECT per database change', (t) => {
  const { writer, path } = setup(t, 'no');
  writer.feed(0, ['SET', 'a', '1']);
  writer.feed(0, ['SET', 'b', '2']);
  writer.feed(1, ['DEL', 'c']);
  assert.equal(readFileSync(path, 'latin1'), '');
  writer.flush();
  assert.equal(
    readFileSync(path, 'latin1'),
    '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n*2\r\n$3\r\nDEL\r\n$1\r\nc\r\n',
  );
  assert.equal(writer.bufferedBytes, 0);
  assert.equal(writer.writtenBytes, readFileSync(path).length);
});

test('always: flush leaves nothing unsynced', (t) => {
  const { writer } = setup(t, 'always');
  writer.feed(0, ['SET', 'a', '1']);
  writer.flush();
  assert.equal(writer.hasPending, false);
});

test('everysec: at most one background fsync at a time, and not before a second passed', async (t) => {
  const { writer, advance } = setup(t, 'everysec');
  writer.feed(0, ['SET', 'a', '1']);
  writer.flush();
  assert.equal(writer.fsyncInProgress, false, 'less than a second since the last fsync');
  assert.equal(writer.hasPending, true);
  advance(1000);
  writer.flush();
  assert.equal(writer.fsyncInProgress, true);
  writer.feed(0, ['SET', 'b', '2']);
  advance(1000);
  writer.flush();
  assert.equal(writer.fsyncInProgress, true, 'the first one is still running: no second');
  while (writer.fsyncInProgress) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(writer.hasPending, true, 'the second write is not synced yet');
  writer.maybeFsyncInBackground();
  assert.equal(writer.fsyncInProgress, true);
  while (writer.fsyncInProgress) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(writer.hasPending, false);
});

test('a failed write keeps the buffer, refuses writes with the strerror text, and clears on the next good write', (t) => {
  const { writer, path, ops, logs, exits } = setup(t, 'everysec');
  ops.writeFailure = 'ENOSPC';
  writer.feed(0, ['SET', 'a', '1']);
  writer.flush();
  assert.equal(readFileSync(path, 'latin1'), '');
  assert.equal(writer.bufferedBytes, SELECT_0.length + SET_A.length);
  assert.equal(writer.writtenBytes, 0);
  assert.equal(writer.status.ok, false);
  assert.equal(writer.status.refusal, 'MISCONF Errors writing to the AOF file: No space left on device');
  assert.deepEqual(logs, ['Error writing to the AOF file: No space left on device']);
  assert.deepEqual(exits, [], 'everysec keeps running');
  ops.writeFailure = undefined;
  writer.feed(0, ['SET', 'b', '2']);
  writer.flush();
  assert.equal(readFileSync(path, 'latin1'), `${SELECT_0}${SET_A}*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n`);
  assert.equal(writer.status.ok, true);
  assert.equal(writer.status.refusal, undefined);
  assert.equal(logs.at(-1), 'AOF write error looks solved, Redis can write again.');
  assert.equal(writer.bufferedBytes, 0);
});

test('a short write is truncated away and reported as ENOSPC, the whole buffer retried', (t) => {
  const { writer, path, ops, logs } = setup(t, 'no');
  writer.feed(0, ['SET', 'a', '1']);
  writer.flush();
  const before = readFileSync(path, 'latin1');
  ops.writeFailure = 'EFBIG';
  ops.writeBytesBeforeFailure = 5;
  writer.feed(0, ['SET', 'b', '2']);
  const buffered = writer.bufferedBytes;
  writer.flush();
  assert.deepEqual(ops.truncates, [before.length], 'cut back to the size before the write');
  assert.equal(readFileSync(path, 'latin1'), before);
  assert.equal(writer.writtenBytes, before.length);
  assert.equal(writer.bufferedBytes, buffered);
  assert.equal(writer.status.refusal, 'MISCONF Errors writing to the AOF file: No space left on device');
  assert.deepEqual(logs, [`Short write while writing to the AOF file: (nwritten=5, expected=${buffered})`]);
});

test('a short write that cannot be truncated stays counted and leaves the buffer', (t) => {
  const { writer, path, ops, logs } = setup(t, 'no');
  ops.writeFailure = 'EFBIG';
  ops.writeBytesBeforeFailure = 5;
  ops.truncateFailure = 'EIO';
  writer.feed(0, ['SET', 'a', '1']);
  const buffered = writer.bufferedBytes;
  writer.flush();
  assert.equal(readFileSync(path, 'latin1'), SELECT_0.slice(0, 5));
  assert.equal(writer.writtenBytes, 5);
  assert.equal(writer.bufferedBytes, buffered - 5);
  assert.equal(
    logs[1],
    'Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: Input/output error',
  );
  ops.writeFailure = undefined;
  writer.flush();
  assert.equal(readFileSync(path, 'latin1'), SELECT_0 + SET_A, 'the rest follows the part already written');
});

test('write errors are logged at most once per 30 seconds; the tick retries once a second', (t) => {
  const { writer, ops, logs, advance } = setup(t, 'everysec');
  ops.writeFailure = 'EIO';
  writer.feed(0, ['SET', 'a', '1']);
  writer.flush();
  const writes = ops.writes;
  writer.tick();
  assert.equal(ops.writes, writes + 1, 'the first retry goes at once');
  writer.tick();
  assert.equal(ops.writes, writes + 1, 'then one per second');
  advance(1000);
  writer.tick();
  assert.equal(ops.writes, writes + 2);
  assert.equal(logs.length, 1, 'one log line within 30 s');
  advance(30_000);
  writer.tick();
  assert.equal(logs.length, 2);
  ops.writeFailure = undefined;
  advance(1000);
  writer.tick();
  assert.equal(writer.status.ok, true);
  assert.equal(writer.bufferedBytes, 0);
});

test('always: a failed write exits with status 1', (t) => {
  const { writer, ops, logs, exits } = setup(t, 'always');
  ops.writeFailure = 'ENOSPC';
  writer.feed(0, ['SET', 'a', '1']);
  writer.flush();
  assert.deepEqual(exits, [1]);
  assert.deepEqual(logs, [
    'Error writing to the AOF file: No space left on device',
    "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...",
  ]);
});

test('always: a failed fdatasync exits with status 1', (t) => {
  const { writer, ops, logs, exits } = setup(t, 'always');
  ops.fsyncFailure = 'EIO';
  writer.feed(0, ['SET', 'a', '1']);
  writer.flush();
  assert.deepEqual(exits, [1]);
  assert.deepEqual(logs, ["Can't persist AOF for fsync error when the AOF fsync policy is 'always': Input/output error. Exiting..."]);
});

test('everysec: a failed background fsync refuses writes until one succeeds', async (t) => {
  const { writer, ops, logs, advance } = setup(t, 'everysec');
  ops.fsyncFailure = 'EIO';
  writer.feed(0, ['SET', 'a', '1']);
  advance(1000);
  writer.flush();
  await fsyncSettled(writer);
  assert.equal(writer.status.ok, false);
  assert.equal(writer.status.refusal, 'MISCONF Errors writing to the AOF file: Input/output error');
  advance(1000);
  writer.tick();
  await fsyncSettled(writer);
  assert.deepEqual(logs, ['Fail to fsync the AOF file: Input/output error'], 'logged once, when it starts failing');
  ops.fsyncFailure = undefined;
  advance(1000);
  writer.tick();
  await fsyncSettled(writer);
  assert.equal(writer.status.ok, true);
  assert.equal(writer.hasPending, false);
  assert.equal(ops.backgroundFsyncs, 3);
});

test('no-appendfsync-on-rewrite: no fsync while a rewrite runs, the pending one after it', async (t) => {
  for (const policy of ['always', 'everysec'] as const) {
    const { writer, ops, advance, rewriting } = setup(t, policy);
    rewriting.active = true;
    writer.feed(0, ['SET', 'a', '1']);
    advance(1000);
    writer.flush();
    writer.tick();
    assert.equal(ops.fsyncs + ops.backgroundFsyncs, 0, `${policy}: skipped`);
    assert.equal(writer.mustWriteBeforeReplies, false, `${policy}: replies do not wait for a skipped fsync`);
    rewriting.active = false;
    advance(1000);
    writer.tick();
    await fsyncSettled(writer);
    assert.equal(policy === 'always' ? ops.fsyncs : ops.backgroundFsyncs, 1, `${policy}: synced once the rewrite ended`);
    assert.equal(writer.hasPending, false);
  }
});

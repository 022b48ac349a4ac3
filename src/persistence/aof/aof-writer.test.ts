import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AofWriter } from './aof-writer.js';

function setup(t: { after: (fn: () => void) => void }, policy: 'always' | 'everysec' | 'no') {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-aof-writer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'incr.aof');
  const fd = openSync(path, 'a');
  let nowMs = 1_000_000;
  const logs: string[] = [];
  const writer = new AofWriter(fd, 0, { policy, log: { log: (_level, message) => logs.push(message) }, nowMs: () => nowMs });
  return { writer, path, advance: (ms: number) => (nowMs += ms), logs };
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

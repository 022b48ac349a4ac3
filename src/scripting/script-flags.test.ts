import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEvalShebang, parseLibraryMetadata } from './script-flags.js';

test('EVAL shebang: flags, the code offset keeps the newline, no shebang is compatibility mode', () => {
  assert.deepEqual(parseEvalShebang('return 1'), { flags: null, codeOffset: 0 });
  const parsed = parseEvalShebang('#!lua flags=no-writes,allow-oom\nreturn 1');
  assert.deepEqual([...(parsed.flags ?? [])], ['no-writes', 'allow-oom']);
  assert.equal(parsed.codeOffset, '#!lua flags=no-writes,allow-oom'.length);
  assert.deepEqual([...(parseEvalShebang('#!lua flags=\nx').flags ?? ['missing'])], []);
  // Every flag of Redis 7.0 parses (allow-stale has an effect only once replication exists).
  const all = parseEvalShebang('#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\n').flags;
  assert.deepEqual([...(all ?? [])], ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);
  assert.throws(() => parseEvalShebang('#!lua'), /^ReplyError: ERR Invalid script shebang$/);
  assert.throws(() => parseEvalShebang('#!lua flags=NO-WRITES\n'), /Unexpected flag in script shebang: NO-WRITES/);
  assert.throws(() => parseEvalShebang('#!lua flags=a,,b\n'), /Unexpected flag in script shebang: a$/);
  assert.throws(() => parseEvalShebang('#!luajit\n'), /Unexpected engine in script shebang: #!luajit/);
  assert.throws(() => parseEvalShebang('#!lua x=1\n'), /Unknown lua shebang option: x=1/);
});

test('library metadata: engine, name, errors in Redis order', () => {
  assert.deepEqual(parseLibraryMetadata('#!lua name=lib\ncode'), { engine: 'lua', name: 'lib', codeOffset: 14 });
  assert.deepEqual(parseLibraryMetadata('#!LUA NAME=x\n').name, 'x');
  assert.throws(() => parseLibraryMetadata('code'), /Missing library metadata/);
  assert.throws(() => parseLibraryMetadata('#!lua name=x'), /Invalid library metadata/);
  assert.throws(() => parseLibraryMetadata('#!lua\n'), /Library name was not given/);
  assert.throws(() => parseLibraryMetadata('#!lua name=a name=b\n'), /name argument was given multiple times/);
  assert.throws(() => parseLibraryMetadata('#!lua name=a x\n'), /Invalid metadata value given: x/);
});

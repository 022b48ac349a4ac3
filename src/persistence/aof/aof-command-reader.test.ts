import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AofCommandReader, type ReadResult } from './aof-command-reader.js';
import { encodeCommand, encodeSelect } from './resp-command.js';

function readAll(text: string): { results: ReadResult[]; offsets: number[] } {
  const reader = new AofCommandReader(Buffer.from(text, 'latin1'));
  const results: ReadResult[] = [];
  const offsets: number[] = [];
  while (true) {
    const result = reader.next();
    results.push(result);
    offsets.push(reader.offset);
    if (result.kind !== 'command') return { results, offsets };
  }
}

test('commands written by the encoder read back, binary arguments and annotations included', () => {
  const text = `${encodeSelect(3)}#TS:1700000000\r\n${encodeCommand(['SET', 'k\r\n', '\x00\xff'])}`;
  const { results } = readAll(text);
  assert.deepEqual(results, [
    { kind: 'command', argv: ['SELECT', '3'] },
    { kind: 'command', argv: ['SET', 'k\r\n', '\x00\xff'] },
    { kind: 'eof' },
  ]);
});

test('a command cut anywhere is a truncation; the offset stays after the last whole command', () => {
  const whole = encodeCommand(['SET', 'a', '1']);
  const next = encodeCommand(['SET', 'bb', '22']);
  for (let cut = 1; cut < next.length; cut++) {
    const reader = new AofCommandReader(Buffer.from(whole + next.slice(0, cut), 'latin1'));
    assert.equal(reader.next().kind, 'command');
    const offset = reader.offset;
    assert.equal(offset, whole.length);
    assert.equal(reader.next().kind, 'truncated', `cut at ${cut}`);
  }
});

test('a line that is not a multibulk or bulk header is a format error', () => {
  assert.equal(readAll('garbage\r\n').results[0]?.kind, 'format');
  assert.equal(readAll('*1\r\n+OK\r\n').results[0]?.kind, 'format');
  assert.equal(readAll('*0\r\n').results[0]?.kind, 'format');
});

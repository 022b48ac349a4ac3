import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { FrameReader, type FrameReadResult } from './frame-reader.js';

const TESTDATA = new URL('../../../../src/cluster/bus/testdata/', import.meta.url);
const frames = readdirSync(TESTDATA)
  .filter((file) => file.endsWith('.bin'))
  .sort()
  .map((file) => readFileSync(new URL(file, TESTDATA)));
const stream = Buffer.concat(frames);

/** Pulls frames until the reader needs more bytes; bounded by the number of golden frames. */
function drain(reader: FrameReader, out: Buffer[]): FrameReadResult {
  for (let i = 0; i <= frames.length; i++) {
    const result = reader.next();
    if (result.kind !== 'frame') return result;
    out.push(result.frame);
  }
  assert.fail('more frames than were pushed');
}

test('splits a stream of every golden frame, whatever the chunk size', () => {
  for (const chunkBytes of [1, 7, 8, 9, 100, 2255, 2256, 2257, 4096, stream.length]) {
    const reader = new FrameReader();
    const out: Buffer[] = [];
    for (let at = 0; at < stream.length; at += chunkBytes) {
      reader.push(stream.subarray(at, at + chunkBytes));
      assert.equal(drain(reader, out).kind, 'need-more');
    }
    assert.equal(out.length, frames.length, `chunks of ${chunkBytes}`);
    out.forEach((frame, i) => assert.ok(frame.equals(frames[i]!)));
    assert.equal(reader.bufferedBytes, 0);
  }
});

test('a frame inside one chunk is a view of it, not a copy', () => {
  const reader = new FrameReader();
  reader.push(stream);
  const result = reader.next();
  assert.ok(result.kind === 'frame');
  assert.equal(result.frame.buffer, stream.buffer);
});

test('a bad signature, a totlen below the header or above the limit ends the stream', () => {
  const cases: [Buffer, string, number | undefined][] = [
    [Buffer.from('GET / HTTP/1.1\r\n'), 'bad-signature', undefined],
    [Buffer.from([0x52, 0x43, 0x6d, 0x62, 0, 0, 0x08, 0xcf]), 'frame-too-short', undefined],
    [Buffer.from([0x52, 0x43, 0x6d, 0x62, 0xff, 0xff, 0xff, 0xff]), 'frame-too-long', undefined],
    [frames[0]!, 'frame-too-long', frames[0]!.length - 1],
  ];
  for (const [bytes, code, frameBytesMax] of cases) {
    const reader = new FrameReader(frameBytesMax === undefined ? {} : { frameBytesMax });
    reader.push(bytes.subarray(0, 7));
    assert.equal(reader.next().kind, 'need-more');
    reader.push(bytes.subarray(7));
    const result = reader.next();
    assert.ok(result.kind === 'error' && result.error.code === code, code);
    reader.push(frames[1]!);
    assert.deepEqual(reader.next(), result, 'the error sticks');
    assert.equal(reader.bufferedBytes, 0);
  }
});

test('the frame after a good one is checked too', () => {
  const reader = new FrameReader();
  reader.push(Buffer.concat([frames[0]!, Buffer.from('RCmX\0\0\x08\xd0')]));
  assert.equal(reader.next().kind, 'frame');
  const result = reader.next();
  assert.ok(result.kind === 'error' && result.error.code === 'bad-signature');
});

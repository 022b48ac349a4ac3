import { test } from 'node:test';
import assert from 'node:assert/strict';
import { radixTreeNodeCount } from './rax-shape.js';
import { MAX_ID, MIN_ID, type U64 } from './stream-id.js';
import { StreamValue } from './stream.js';

const LIMITS = { maxBytes: 4096, maxEntries: 100 };

function filled(count: number): StreamValue {
  const stream = new StreamValue();
  for (let i = 1; i <= count; i++) stream.append({ ms: i, seq: 0 }, ['f', String(i)], LIMITS);
  return stream;
}

function ids(stream: StreamValue, reverse = false): string[] {
  const out: string[] = [];
  stream.range(MIN_ID, MAX_ID, reverse, (ms: U64, seq: U64) => {
    out.push(`${ms}-${seq}`);
    return true;
  });
  return out;
}

test('nodes split at stream-node-max-entries, like Redis listpacks', () => {
  const stream = filled(250);
  assert.equal(stream.nodes.length, 3);
  assert.equal(stream.length, 250);
});

test('nodes split at stream-node-max-bytes', () => {
  const stream = new StreamValue();
  for (let i = 1; i <= 10; i++) stream.append({ ms: i, seq: 0 }, ['f', 'v'.repeat(1000)], LIMITS);
  // Each entry takes a little over 1000 bytes: four fit under 4096.
  assert.equal(stream.nodes.length, 3);
});

test('range seeks forward and backward across nodes and skips deleted entries', () => {
  const stream = filled(250);
  assert.equal(stream.delete({ ms: 101, seq: 0 }), true);
  assert.equal(stream.delete({ ms: 101, seq: 0 }), false);
  const forward: string[] = [];
  stream.range({ ms: 99, seq: 0 }, { ms: 103, seq: 0 }, false, (ms, seq) => (forward.push(`${ms}-${seq}`), true));
  assert.deepEqual(forward, ['99-0', '100-0', '102-0', '103-0']);
  const backward: string[] = [];
  stream.range({ ms: 99, seq: 0 }, { ms: 103, seq: 0 }, true, (ms, seq) => (backward.push(`${ms}-${seq}`), true));
  assert.deepEqual(backward, ['103-0', '102-0', '100-0', '99-0']);
  assert.equal(ids(stream).length, 249);
  assert.equal(ids(stream, true)[0], '250-0');
});

test('trim: exact MAXLEN flags entries; approximate removes whole nodes only; LIMIT caps it', () => {
  const exact = filled(250);
  assert.equal(exact.trim({ kind: 'maxlen', maxLength: 180 }, false, 0), 70);
  assert.equal(exact.length, 180);
  assert.deepEqual(exact.firstId, { ms: 71, seq: 0 });
  const approx = filled(250);
  assert.equal(approx.trim({ kind: 'maxlen', maxLength: 180 }, true, 10000), 0);
  assert.equal(approx.trim({ kind: 'maxlen', maxLength: 100 }, true, 10000), 100);
  assert.equal(approx.trim({ kind: 'maxlen', maxLength: 0 }, true, 50), 0);
  const byId = filled(10);
  assert.equal(byId.trim({ kind: 'minid', minId: { ms: 4, seq: 0 } }, false, 0), 3);
  assert.equal(ids(byId)[0], '4-0');
});

test('radix tree node count matches Redis for the golden streams', () => {
  // all-types fixture: stream:small (one node) 2 nodes; stream:full (two nodes) 6; empty 1.
  assert.equal(radixTreeNodeCount([]), 1);
  assert.equal(radixTreeNodeCount([[2, 1]]), 2);
  assert.equal(
    radixTreeNodeCount([
      [1700000000000, 0],
      [1700000000101, 0],
    ]),
    6,
  );
});

test('clone is deep: groups and entries are independent', () => {
  const stream = filled(3);
  const copy = stream.clone();
  copy.delete({ ms: 1, seq: 0 });
  assert.equal(stream.length, 3);
  assert.equal(copy.length, 2);
});

test('ids that do not fit 32 bits move a node to plain arrays without changing them', () => {
  const stream = new StreamValue();
  const input: Array<[U64, U64]> = [
    [1, 0],
    [1, 4294967295],
    [4294967297, 5],
    [9007199254740991, 2 ** 40],
    [9007199254740993n, 18446744073709551615n],
  ];
  for (const [ms, seq] of input) stream.append({ ms, seq }, ['f', 'v'], LIMITS);
  assert.equal(stream.nodes.length, 1);
  assert.deepEqual(ids(stream), input.map(([ms, seq]) => `${ms}-${seq}`));
  assert.equal(stream.has({ ms: 4294967297, seq: 5 }), true);
  assert.equal(stream.has({ ms: 9007199254740993n, seq: 18446744073709551615n }), true);
});

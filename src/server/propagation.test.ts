import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PropagationQueue } from './propagation.js';

function recorder(): { queue: PropagationQueue; sent: Array<[number, string]> } {
  const queue = new PropagationQueue();
  const sent: Array<[number, string]> = [];
  queue.sink = (db, argv) => sent.push([db, argv.join(' ')]);
  return { queue, sent };
}

test('one command propagating one write: sent alone at its end', () => {
  const { queue, sent } = recorder();
  queue.enter();
  queue.push(0, ['SET', 'a', '1']);
  assert.deepEqual(sent, []);
  queue.exit();
  assert.deepEqual(sent, [[0, 'SET a 1']]);
});

test('several writes in one command (EXEC, a script, a lazy DEL): MULTI on the first db, EXEC on the last', () => {
  const { queue, sent } = recorder();
  queue.enter();
  queue.push(2, ['DEL', 'x']);
  queue.enter(); // nested: a command inside EXEC
  queue.push(5, ['SET', 'y', '1']);
  queue.exit();
  queue.exit();
  assert.deepEqual(sent, [[2, 'MULTI'], [2, 'DEL x'], [5, 'SET y 1'], [5, 'EXEC']]);
});

test('outside a command (active expiry, eviction from the tick) each DEL goes out alone', () => {
  const { queue, sent } = recorder();
  queue.push(0, ['DEL', 'a']);
  queue.push(0, ['DEL', 'b']);
  assert.deepEqual(sent, [[0, 'DEL a'], [0, 'DEL b']]);
  queue.enter();
  queue.push(0, ['DEL', 'c']);
  queue.push(0, ['DEL', 'd']);
  queue.flush(false); // evictions before a command: unwrapped
  queue.push(0, ['SET', 'e', '1']);
  queue.exit();
  assert.deepEqual(sent.slice(2), [[0, 'DEL c'], [0, 'DEL d'], [0, 'SET e 1']]);
});

test('no sink: nothing is kept', () => {
  const queue = new PropagationQueue();
  queue.enter();
  queue.push(0, ['SET', 'a', '1']);
  queue.exit();
  const sent: string[] = [];
  queue.sink = (_db, argv) => sent.push(argv.join(' '));
  queue.enter();
  queue.exit();
  assert.deepEqual(sent, []);
});

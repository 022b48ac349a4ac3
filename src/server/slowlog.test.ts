import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { largeLatin1 } from '../lib/external-strings.js';
import { Slowlog } from './slowlog.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use plus external memory (where external strings' and Buffers' bytes are counted). */
function heldBytes(): number {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}

const LONG_ARGUMENT_BYTES = 8 * 1024 * 1024;

/** A slow SET of a long value; the value is referenced from nowhere else once this returns. */
function recordLongArgument(slowlog: Slowlog): void {
  const value = largeLatin1(Buffer.alloc(LONG_ARGUMENT_BYTES, 0x62), 0, LONG_ARGUMENT_BYTES);
  slowlog.maybeRecord(20_000, ['SET', 'k', value], '127.0.0.1:5000', '', 1_700_000_000_000);
}

test('a slowlog entry keeps 128 chars of a long argument, not the argument', () => {
  const slowlog = new Slowlog();
  slowlog.thresholdUs = 0;
  gc();
  const before = heldBytes();
  recordLongArgument(slowlog);
  // Two collections: V8 may finalize an external string one collection late.
  gc();
  gc();
  const retained = heldBytes() - before;
  assert.ok(retained < 1024 * 1024, `the entry retains ${retained} bytes`);
  const [entry] = slowlog.entries(-1);
  assert.deepEqual(entry?.argv, ['SET', 'k', `${'b'.repeat(128)}... (${LONG_ARGUMENT_BYTES - 128} more bytes)`]);
});

import type { U64 } from './stream-id.js';

const KEY_BYTES = 16;

/** A stream node key as Redis stores it in the rax: ms then seq, 64-bit big-endian each. */
function keyBytes(ms: U64, seq: U64): Uint8Array {
  const out = new Uint8Array(KEY_BYTES);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(ms));
  view.setBigUint64(8, BigInt(seq));
  return out;
}

/**
 * The number of nodes Redis's rax (a compressed radix tree) has for these keys, given in
 * ascending order: one node per compressed run of shared bytes, one per branching point, one
 * leaf per key, and the root alone when empty (XINFO STREAM radix-tree-nodes).
 */
export function radixTreeNodeCount(keys: ReadonlyArray<readonly [U64, U64]>): number {
  if (keys.length === 0) return 1;
  const bytes = keys.map(([ms, seq]) => keyBytes(ms, seq));
  return countNodes(bytes, 0, bytes.length, 0);
}

/** Nodes under the subtree holding keys[from, to), all sharing their first `depth` bytes. */
function countNodes(keys: readonly Uint8Array[], from: number, to: number, depth: number): number {
  if (depth === KEY_BYTES) return 1;
  const first = keys[from] as Uint8Array;
  const last = keys[to - 1] as Uint8Array;
  // Sorted keys: the run shared by all is the run shared by the first and the last.
  let common = depth;
  while (common < KEY_BYTES && first[common] === last[common]) common++;
  if (common > depth) return 1 + countNodes(keys, from, to, common);
  let count = 1;
  let start = from;
  while (start < to) {
    const byte = (keys[start] as Uint8Array)[depth];
    let end = start + 1;
    while (end < to && (keys[end] as Uint8Array)[depth] === byte) end++;
    count += countNodes(keys, start, end, depth + 1);
    start = end;
  }
  return count;
}

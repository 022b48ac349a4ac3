import { SLOT_COUNT, keyHashSlot } from '../lib/hash-slot.js';

/**
 * The keys of each hash slot, newest first, for CLUSTER GETKEYSINSLOT (resharding calls it for
 * every slot it moves). Built on the first GETKEYSINSLOT from one walk over the database (the key
 * table iterates in insertion order, which is the order Redis's per-slot lists keep), then kept
 * up to date: so standalone nodes, and cluster nodes that never reshard, pay nothing.
 *
 * Each slot is a stack of keys in the order they were added. Deletes cost nothing: a deleted key
 * stays in its stack until a read or a push finds it, and a stack more than twice its live count
 * is compacted (amortised O(1) per key). A key deleted and added again is pushed again; the read
 * keeps its newest position only. Costs (docs/cluster-routing.md): ~11 bytes and ~60 ns per key
 * added while the index exists, against an O(keys in the database) walk per call without it.
 */
export class SlotKeyIndex {
  readonly #stacks: Array<string[] | undefined> = new Array<string[] | undefined>(SLOT_COUNT);
  readonly #exists: (key: string) => boolean;
  readonly #liveCount: (slot: number) => number;

  /** `exists`: the key is in the database; `liveCount`: keys of the slot in the database. */
  constructor(keys: Iterable<string>, exists: (key: string) => boolean, liveCount: (slot: number) => number) {
    this.#exists = exists;
    this.#liveCount = liveCount;
    for (const key of keys) this.#push(keyHashSlot(key), key);
  }

  /** A key was added to the database (not an overwrite). */
  added(slot: number, key: string): void {
    const stack = this.#push(slot, key);
    if (stack.length > 2 * this.#liveCount(slot) + 32) this.#compact(slot, stack);
  }

  #push(slot: number, key: string): string[] {
    let stack = this.#stacks[slot];
    if (stack === undefined) this.#stacks[slot] = stack = [];
    stack.push(key);
    return stack;
  }

  /** Up to maxCount keys of the slot, the most recently added first (Redis's order). */
  newest(slot: number, maxCount: number): string[] {
    const out: string[] = [];
    const stack = this.#stacks[slot];
    if (stack === undefined || maxCount <= 0) return out;
    // Deleted keys on top (the keys MIGRATE just moved away) are dropped for good.
    while (stack.length > 0 && !this.#exists(stack[stack.length - 1] as string)) stack.pop();
    if (stack.length > 2 * this.#liveCount(slot) + 32) this.#compact(slot, stack);
    const current = this.#stacks[slot] as string[];
    let seen: Set<string> | undefined;
    for (let i = current.length - 1; i >= 0 && out.length < maxCount; i--) {
      const key = current[i] as string;
      if (!this.#exists(key)) continue;
      // An older entry of a key added again: its newest entry was taken already.
      seen ??= new Set();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(key);
    }
    return out;
  }

  /** Keeps the newest entry of each key still in the database, in order. */
  #compact(slot: number, stack: string[]): void {
    const seen = new Set<string>();
    const kept: string[] = [];
    for (let i = stack.length - 1; i >= 0; i--) {
      const key = stack[i] as string;
      if (seen.has(key) || !this.#exists(key)) continue;
      seen.add(key);
      kept.push(key);
    }
    kept.reverse();
    this.#stacks[slot] = kept.length === 0 ? undefined : kept;
  }
}

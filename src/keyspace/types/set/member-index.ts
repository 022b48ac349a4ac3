import { hashKey, nextTableSeed } from '../../key-hash.js';
import { homeBetween, MIN_CAPACITY, overLoadLimit, underShrinkLimit } from '../../open-index.js';

/** Array cells per slot: the member's hash, the member, its position + 1 (0 = empty slot). */
const SLOT_CELLS = 3;
const HASH = 0;
const MEMBER = 1;
const POSITION = 2;

/**
 * MemberTable's index from member to position: open addressing with linear probing like
 * OpenIndex, but each slot holds the member string itself next to its hash and position, in
 * one JS array. A lookup reads the slot (hash and member pointer in one cache line), then the
 * member string: two dependent cache misses where OpenIndex needs three (slot, the owner's
 * array cell, the string). Under `SADD` on a 100k-member set the lookup was ~30% of the node's
 * CPU, in a loop where each miss costs ~100 ns (docs/performance-notes.md, session 6). The
 * price is memory: 24 bytes per slot instead of 8 (~30-60 bytes per member at the load limits),
 * paid only by hashtable-encoded sets and hashes. The key table keeps OpenIndex: bytes per key
 * is a target there.
 */
export class MemberIndex {
  readonly #seed = nextTableSeed();
  #slots: Array<number | string> = emptySlots(MIN_CAPACITY);
  #mask = MIN_CAPACITY - 1;
  #count = 0;
  /** The slot the last find() matched (for removeFound). */
  #foundSlot = -1;

  get size(): number {
    return this.#count;
  }

  hash(member: string): number {
    return hashKey(member, this.#seed);
  }

  /** The position of `member` (with hash `hash`), or -1; remembers the slot for removeFound(). */
  find(member: string, hash: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const base = slot * SLOT_CELLS;
      const positionPlusOne = slots[base + POSITION] as number;
      if (positionPlusOne === 0) return -1;
      if (slots[base + HASH] === hash && slots[base + MEMBER] === member) {
        this.#foundSlot = slot;
        return positionPlusOne - 1;
      }
    }
  }

  /** Adds a member known to be absent (find() returned -1) at `position`. */
  insert(hash: number, member: string, position: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let slot = hash & mask;
    while (slots[slot * SLOT_CELLS + POSITION] !== 0) slot = (slot + 1) & mask;
    const base = slot * SLOT_CELLS;
    slots[base + HASH] = hash;
    slots[base + MEMBER] = member;
    slots[base + POSITION] = position + 1;
    this.#count++;
    if (overLoadLimit(this.#count, mask + 1)) this.#resize((mask + 1) * 2);
  }

  /** Removes the entry the last successful find() matched. */
  removeFound(): void {
    this.#removeSlot(this.#foundSlot);
    this.#foundSlot = -1;
    this.#count--;
    if (underShrinkLimit(this.#count, this.#mask + 1)) this.#resize((this.#mask + 1) / 2);
  }

  /** Points the entry of a member (its hash given) from position `from` to position `to`. */
  move(hash: number, from: number, to: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const base = slot * SLOT_CELLS;
      const positionPlusOne = slots[base + POSITION] as number;
      if (positionPlusOne === 0) return;
      if (positionPlusOne === from + 1 && slots[base + HASH] === hash) {
        slots[base + POSITION] = to + 1;
        return;
      }
    }
  }

  /** Bytes of the slot array (MEMORY USAGE estimates). */
  get bytes(): number {
    return this.#slots.length * 8;
  }

  /** Empties a slot, shifting later entries of its run back so lookups need no tombstones. */
  #removeSlot(emptied: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let hole = emptied;
    for (let slot = (hole + 1) & mask; ; slot = (slot + 1) & mask) {
      const base = slot * SLOT_CELLS;
      if (slots[base + POSITION] === 0) break;
      if (homeBetween((slots[base + HASH] as number) & mask, hole, slot)) continue;
      const to = hole * SLOT_CELLS;
      slots[to + HASH] = slots[base + HASH] as number;
      slots[to + MEMBER] = slots[base + MEMBER] as string;
      slots[to + POSITION] = slots[base + POSITION] as number;
      hole = slot;
    }
    const base = hole * SLOT_CELLS;
    slots[base + HASH] = 0;
    slots[base + MEMBER] = 0;
    slots[base + POSITION] = 0;
  }

  /** Rebuilds the index with `capacity` slots (a power of two). */
  #resize(capacity: number): void {
    const old = this.#slots;
    const slots = emptySlots(capacity);
    const mask = capacity - 1;
    for (let i = 0; i < old.length; i += SLOT_CELLS) {
      if (old[i + POSITION] === 0) continue;
      const hash = old[i + HASH] as number;
      let slot = hash & mask;
      while (slots[slot * SLOT_CELLS + POSITION] !== 0) slot = (slot + 1) & mask;
      const base = slot * SLOT_CELLS;
      slots[base + HASH] = hash;
      slots[base + MEMBER] = old[i + MEMBER] as string;
      slots[base + POSITION] = old[i + POSITION] as number;
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}

/** A slot array of `capacity` empty slots (all cells 0), built by push so it stays packed (no hole checks). */
function emptySlots(capacity: number): Array<number | string> {
  const slots: Array<number | string> = [];
  for (let i = 0; i < capacity * SLOT_CELLS; i++) slots.push(0);
  return slots;
}

/**
 * A set of hash slots as Redis stores it: 16384 bits, slot s is bit (s & 7) of byte (s >> 3)
 * (clusterNodeGetSlotBit). The cluster bus carries this bitmap as is (myslots, UPDATE).
 */
import { assert } from '../lib/assert.js';
import { SLOT_COUNT } from '../lib/hash-slot.js';

export const SLOT_BITMAP_BYTES = SLOT_COUNT / 8;

/** An inclusive range of slots, as CLUSTER NODES prints it (`start-end`, or `start` alone). */
export interface SlotRange {
  readonly start: number;
  readonly end: number;
}

export function emptySlotBitmap(): Uint8Array {
  return new Uint8Array(SLOT_BITMAP_BYTES);
}

export function hasSlot(bitmap: Uint8Array, slot: number): boolean {
  return ((bitmap[slot >> 3] ?? 0) & (1 << (slot & 7))) !== 0;
}

export function addSlot(bitmap: Uint8Array, slot: number): void {
  assert(Number.isInteger(slot) && slot >= 0 && slot < SLOT_COUNT, `slot out of range: ${slot}`);
  bitmap[slot >> 3] = (bitmap[slot >> 3] ?? 0) | (1 << (slot & 7));
}

export function countSlots(bitmap: Uint8Array): number {
  let count = 0;
  for (const byte of bitmap) {
    let bits = byte;
    while (bits !== 0) {
      bits &= bits - 1;
      count++;
    }
  }
  return count;
}

/** The maximal runs of set slots, in ascending order. */
export function slotRanges(bitmap: Uint8Array): SlotRange[] {
  const ranges: SlotRange[] = [];
  let start = -1;
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const owned = hasSlot(bitmap, slot);
    if (owned && start === -1) start = slot;
    if (!owned && start !== -1) {
      ranges.push({ start, end: slot - 1 });
      start = -1;
    }
  }
  if (start !== -1) ranges.push({ start, end: SLOT_COUNT - 1 });
  return ranges;
}

export function slotBitmapFromRanges(ranges: readonly SlotRange[]): Uint8Array {
  const bitmap = emptySlotBitmap();
  for (const { start, end } of ranges) {
    assert(start <= end, `bad slot range ${start}-${end}`);
    for (let slot = start; slot <= end; slot++) addSlot(bitmap, slot);
  }
  return bitmap;
}

import { SLOT_COUNT } from '../../lib/hash-slot.js';
import { ReplyError } from '../../lib/errors.js';

/** getSlotOrReply: a long long in [0, 16383], else Redis's one error for every bad slot. */
export function parseSlot(text: string): number {
  if (!/^-?[0-9]+$/.test(text)) throw new ReplyError('ERR Invalid or out of range slot');
  const slot = Number(text);
  if (!Number.isSafeInteger(slot) || slot < 0 || slot >= SLOT_COUNT) throw new ReplyError('ERR Invalid or out of range slot');
  return slot;
}

/** ADDSLOTSRANGE / DELSLOTSRANGE pairs, flattened in argument order. */
export function parseSlotRanges(args: readonly string[]): number[] {
  const slots: number[] = [];
  for (let i = 0; i + 1 < args.length; i += 2) {
    const start = parseSlot(args[i] as string);
    const end = parseSlot(args[i + 1] as string);
    if (start > end) throw new ReplyError(`ERR start slot number ${start} is greater than end slot number ${end}`);
    for (let slot = start; slot <= end; slot++) slots.push(slot);
  }
  return slots;
}

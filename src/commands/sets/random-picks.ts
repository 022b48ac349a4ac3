import { ReplyError } from '../../lib/errors.js';
import type { Random } from '../../lib/random.js';
import { parseInt64 } from '../parse.js';

const LONG_MAX = 9223372036854775807n;

/** SRANDMEMBER / HRANDFIELD count: getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX). */
export function parseRandomCount(text: string): bigint {
  const count = parseInt64(text);
  if (count < -LONG_MAX) throw new ReplyError('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  return count;
}

/**
 * Picks for SRANDMEMBER / SPOP / HRANDFIELD with a count. `size` is the container's size and
 * `count` < size. Returns `count` distinct indexes in [0, size): like Redis, when the count is
 * close to the size it removes random indexes from the full range (cheaper than rejection
 * sampling), otherwise it draws until it has enough distinct ones.
 */
export function distinctRandomIndexes(random: Random, size: number, count: number): number[] {
  // Redis's SRANDMEMBER_SUB_STRATEGY_MUL / HRANDFIELD_SUB_STRATEGY_MUL.
  if (count * 3 > size) {
    const indexes = Array.from({ length: size }, (_, i) => i);
    for (let remaining = size; remaining > count; remaining--) {
      const at = random.int(remaining);
      indexes[at] = indexes[remaining - 1] as number;
      indexes.pop();
    }
    return indexes;
  }
  const picked = new Set<number>();
  // Each draw succeeds with probability > 2/3 here, so this bound is never reached in practice.
  const maxDraws = count * 64 + 64;
  for (let draws = 0; picked.size < count && draws < maxDraws; draws++) picked.add(random.int(size));
  for (let i = 0; picked.size < count && i < size; i++) picked.add(i);
  return [...picked];
}

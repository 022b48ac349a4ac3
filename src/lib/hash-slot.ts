import { crc16 } from './crc16.js';

export const SLOT_COUNT = 16384;

/**
 * The hash slot of a key: CRC16 of the key, or of the part between the first '{' and the next
 * '}' when that part is not empty (https://redis.io/docs/reference/cluster-spec/#hash-tags).
 */
export function keyHashSlot(key: string): number {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close !== -1 && close !== open + 1) return crc16(key, open + 1, close) & (SLOT_COUNT - 1);
  }
  return crc16(key) & (SLOT_COUNT - 1);
}

import type { Random } from '../../lib/random.js';
import type { NodeId } from './types.js';

/** getRandomHexChars(name, 40): a fresh node id. */
export function randomHexId(random: Random): NodeId {
  const hex = '0123456789abcdef';
  let id = '';
  for (let i = 0; i < 40; i++) id += hex[random.int(16)];
  return id;
}

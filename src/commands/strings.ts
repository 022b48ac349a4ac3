import type { CommandDefinition } from './context.js';
import { bitCommands } from './strings/bits.js';
import { bitfieldCommands } from './strings/bitfield.js';
import { counterCommands } from './strings/counters.js';
import { getSetCommands } from './strings/get-set.js';
import { lcsCommands } from './strings/lcs.js';
import { rangeCommands } from './strings/ranges.js';

/** The string and bit command groups (Redis 7.0 @string and @bitmap). */
export const stringCommands: readonly CommandDefinition[] = [
  ...getSetCommands,
  ...counterCommands,
  ...rangeCommands,
  ...lcsCommands,
  ...bitCommands,
  ...bitfieldCommands,
];

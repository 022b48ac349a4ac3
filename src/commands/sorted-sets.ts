import type { CommandDefinition } from './context.js';
import { zaddCommands } from './sorted-sets/add.js';
import { zpopCommands } from './sorted-sets/pop.js';
import { zrandmemberCommands } from './sorted-sets/random.js';
import { zrangeCommands } from './sorted-sets/range.js';
import { zreadCommands } from './sorted-sets/read.js';
import { zremCommands } from './sorted-sets/remove.js';
import { zscanCommands } from './sorted-sets/scan.js';
import { zsetopCommands } from './sorted-sets/setops.js';

/** The sorted set commands (Redis's t_zset.c). */
export const sortedSetCommands: readonly CommandDefinition[] = [
  ...zaddCommands,
  ...zreadCommands,
  ...zrangeCommands,
  ...zremCommands,
  ...zpopCommands,
  ...zrandmemberCommands,
  ...zsetopCommands,
  ...zscanCommands,
];

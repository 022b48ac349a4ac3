import type { CommandDefinition } from './context.js';
import { blockingCommands } from './lists/blocking.js';
import { moveCommands } from './lists/move.js';
import { positionalCommands } from './lists/positional.js';
import { pushPopCommands } from './lists/push-pop.js';

/** The list commands (Redis 7.0 @list). */
export const listCommands: readonly CommandDefinition[] = [...pushPopCommands, ...positionalCommands, ...moveCommands, ...blockingCommands];

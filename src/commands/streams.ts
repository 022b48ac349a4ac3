import type { CommandDefinition } from './context.js';
import { entryCommands } from './streams/entries.js';
import { xgroupCommands } from './streams/groups.js';
import { xinfoCommands } from './streams/info.js';
import { pendingCommands } from './streams/pending.js';
import { readCommands } from './streams/read.js';

/** The stream commands (Redis 7.0 @stream). */
export const streamCommands: readonly CommandDefinition[] = [...entryCommands, ...readCommands, ...xgroupCommands, ...pendingCommands, ...xinfoCommands];

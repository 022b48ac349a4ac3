import type { CommandDefinition } from './context.js';
import { basicKeyCommands } from './keys/basic.js';
import { expireCommands } from './keys/expire.js';
import { flushCommands } from './keys/flush.js';
import { objectCommands } from './keys/object.js';
import { scanCommands } from './keys/scan.js';

/** The generic key commands (Redis's "generic" group, plus FLUSHDB/FLUSHALL/SWAPDB/DBSIZE). */
export const keyCommands: readonly CommandDefinition[] = [...basicKeyCommands, ...expireCommands, ...scanCommands, ...objectCommands, ...flushCommands];

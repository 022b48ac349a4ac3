import type { CommandDefinition } from './context.js';
import { fieldCommands } from './hashes/fields.js';
import { incrementCommands } from './hashes/increments.js';
import { randomFieldCommands } from './hashes/random-fields.js';
import { scanFieldCommands } from './hashes/scan-fields.js';

/** The hash commands (Redis 7.0 @hash). */
export const hashCommands: readonly CommandDefinition[] = [...fieldCommands, ...incrementCommands, ...randomFieldCommands, ...scanFieldCommands];

import type { CommandDefinition } from './context.js';
import { algebraCommands } from './sets/algebra.js';
import { memberCommands } from './sets/members.js';
import { randomMemberCommands } from './sets/random-members.js';
import { scanMemberCommands } from './sets/scan-members.js';

/** The set commands (Redis 7.0 @set). */
export const setCommands: readonly CommandDefinition[] = [...memberCommands, ...randomMemberCommands, ...algebraCommands, ...scanMemberCommands];

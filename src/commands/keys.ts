import type { CommandDefinition } from './context.js';

export const keyCommands: readonly CommandDefinition[] = [];

import { configCommands } from './config.js';
import { connectionCommands } from './connection.js';
import type { CommandDefinition } from './context.js';
import { keyCommands } from './keys.js';
import { serverCommands } from './server-commands.js';
import { geoCommands } from './geo.js';
import { sortedSetCommands } from './sorted-sets.js';
import { stringCommands } from './strings.js';

/** Every command group Tessera serves; the table checks each has a Redis 7.0 spec. */
export const allCommands: readonly CommandDefinition[] = [...connectionCommands, ...stringCommands, ...keyCommands, ...serverCommands, ...configCommands, ...sortedSetCommands, ...geoCommands];

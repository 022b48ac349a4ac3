import type { CommandDefinition } from './context.js';
import { bgrewriteaofCommand } from './server/bgrewriteaof.js';
import { clientCommand } from './server/client.js';
import { commandCommand } from './server/command.js';
import { debugCommand } from './server/debug.js';
import { memoryCommand } from './server/memory.js';
import { miscServerCommands } from './server/misc.js';
import { shutdownCommand } from './server/shutdown.js';
import { slowlogCommand } from './server/slowlog.js';

/** Server and administration commands (one file per command under server/). */
export const serverCommands: readonly CommandDefinition[] = [
  ...miscServerCommands,
  bgrewriteaofCommand,
  clientCommand,
  commandCommand,
  debugCommand,
  memoryCommand,
  shutdownCommand,
  slowlogCommand,
];

import type { CommandDefinition, CommandHandler } from '../context.js';
import { clusterClientCommands } from './client-flags.js';
import { requireClusterMode } from './cluster-mode.js';
import { slotKeySubcommands } from './slot-keys.js';
import { adminSubcommands } from './admin.js';
import { helpSubcommands } from './help.js';
import { infoSubcommands } from './info.js';
import { topologySubcommands } from './topology.js';

/**
 * The CLUSTER command group. Each file of src/commands/cluster/ exports its subcommands; this
 * file only lists them (add a file's array to CLUSTER_SUBCOMMANDS) and applies the check every
 * CLUSTER subcommand starts with in Redis 7.0's clusterCommand.
 */
const CLUSTER_SUBCOMMANDS: readonly CommandDefinition[] = [
  ...slotKeySubcommands,
  ...topologySubcommands,
  ...infoSubcommands,
  ...adminSubcommands,
  ...helpSubcommands,
];

function clusterOnly(handler: CommandHandler): CommandHandler {
  return (ctx, argv) => {
    requireClusterMode(ctx);
    handler(ctx, argv);
  };
}

export const clusterCommands: readonly CommandDefinition[] = [
  {
    name: 'cluster',
    subcommands: CLUSTER_SUBCOMMANDS.map((sub) => (sub.handler === undefined ? sub : { ...sub, handler: clusterOnly(sub.handler) })),
  },
  ...clusterClientCommands,
];

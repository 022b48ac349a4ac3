import { clusterCommands } from './cluster/cluster.js';
import { configCommands } from './config.js';
import { dumpRestoreCommands } from './dump-restore.js';
import { hashCommands } from './hashes.js';
import { connectionCommands } from './connection.js';
import type { CommandDefinition } from './context.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { keyCommands } from './keys.js';
import { listCommands } from './lists.js';
import { persistenceCommands } from './persistence.js';
import { pubsubCommands } from './pubsub.js';
import { scriptingCommands } from './scripting.js';
import { functionCommands } from './functions.js';
import { serverCommands } from './server-commands.js';
import { geoCommands } from './geo.js';
import { setCommands } from './sets.js';
import { sortedSetCommands } from './sorted-sets.js';
import { streamCommands } from './streams.js';
import { stringCommands } from './strings.js';
import { transactionCommands } from './transactions.js';

/** Every command group Tessera serves; the table checks each has a Redis 7.0 spec. */
export const allCommands: readonly CommandDefinition[] = [
  ...connectionCommands,
  ...stringCommands,
  ...transactionCommands,
  ...keyCommands,
  ...dumpRestoreCommands,
  ...listCommands,
  ...hashCommands,
  ...setCommands,
  ...streamCommands,
  ...hyperloglogCommands,
  ...sortedSetCommands,
  ...geoCommands,
  ...pubsubCommands,
  ...scriptingCommands,
  ...functionCommands,
  ...serverCommands,
  ...persistenceCommands,
  ...configCommands,
  ...clusterCommands,
];

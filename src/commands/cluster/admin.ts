/**
 * CLUSTER subcommands that change the cluster: arguments are parsed here with Redis 7.0's error
 * texts (clusterCommand in src/cluster.c), then the typed command goes through the state machine,
 * whose reply (or error) is written back. State-dependent checks (slot busy, unknown node, epoch
 * rules) belong to the state machine.
 */
import { isIP } from 'node:net';
import type { ClusterCommand } from '../../cluster/state/types.js';
import { ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { isOption, parseInt64 } from '../parse.js';
import { subcommandSyntaxError } from '../server/subcommand-error.js';
import { clusterOf, writeCommandReply } from './cluster-access.js';
import { parseSlot, parseSlotRanges } from './slot-args.js';

/** CLUSTER_PORT_INCR: the bus port MEET assumes when none is given. */
const BUS_PORT_OFFSET = 10_000;
const SYNTAX_ERROR = 'ERR syntax error';

function run(ctx: CommandContext, command: ClusterCommand): void {
  const db0 = ctx.keyspace.db(0);
  writeCommandReply(
    ctx,
    clusterOf(ctx).command(command, { keysInSlot: (slot) => db0.countKeysInSlot(slot), keyCount: () => db0.size }),
  );
}

/** getLongLongFromObject: a whole string2ll number, or null. */
function longLong(text: string): number | null {
  try {
    return Number(parseInt64(text));
  } catch {
    return null;
  }
}

function meet(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 5) throw new ReplyError(subcommandSyntaxError(argv));
  const ip = argv[2] as string;
  const portText = argv[3] as string;
  const port = longLong(portText);
  if (port === null) throw new ReplyError(`ERR Invalid TCP base port specified: ${portText}`);
  let busPort = port + BUS_PORT_OFFSET;
  if (argv.length === 5) {
    const parsed = longLong(argv[4] as string);
    if (parsed === null) throw new ReplyError(`ERR Invalid TCP bus port specified: ${argv[4]}`);
    busPort = parsed;
  }
  // clusterStartHandshake: an address inet_pton accepts and ports in 1..65535.
  if (isIP(ip) === 0 || port <= 0 || port > 65535 || busPort <= 0 || busPort > 65535) {
    throw new ReplyError(`ERR Invalid node address specified: ${ip}:${portText}`);
  }
  run(ctx, { kind: 'meet', ip, port, busPort });
}

function addSlots(ctx: CommandContext, argv: string[]): void {
  run(ctx, { kind: 'addSlots', slots: argv.slice(2).map(parseSlot) });
}

function delSlots(ctx: CommandContext, argv: string[]): void {
  run(ctx, { kind: 'delSlots', slots: argv.slice(2).map(parseSlot) });
}

/** ADDSLOTSRANGE / DELSLOTSRANGE: pairs only (an odd count is Redis's arity error). */
function rangeSlots(kind: 'addSlots' | 'delSlots') {
  return (ctx: CommandContext, argv: string[]): void => {
    if (argv.length % 2 === 1) throw new ReplyError(`ERR wrong number of arguments for 'cluster|${(argv[1] as string).toLowerCase()}' command`);
    run(ctx, { kind, slots: parseSlotRanges(argv.slice(2)) });
  };
}

function flushSlots(ctx: CommandContext): void {
  run(ctx, { kind: 'flushSlots' });
}

function setSlot(ctx: CommandContext, argv: string[]): void {
  const slot = parseSlot(argv[2] as string);
  const action = argv[3] as string;
  if (argv.length === 5 && (isOption(action, 'migrating') || isOption(action, 'importing') || isOption(action, 'node'))) {
    const which = isOption(action, 'migrating') ? 'migrating' : isOption(action, 'importing') ? 'importing' : 'node';
    run(ctx, { kind: 'setSlot', slot, action: which, nodeId: argv[4] as string });
    return;
  }
  if (argv.length === 4 && isOption(action, 'stable')) {
    run(ctx, { kind: 'setSlot', slot, action: 'stable' });
    return;
  }
  throw new ReplyError('ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP');
}

function forget(ctx: CommandContext, argv: string[]): void {
  run(ctx, { kind: 'forget', nodeId: argv[2] as string });
}

function reset(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 3) throw new ReplyError(subcommandSyntaxError(argv));
  let hard = false;
  if (argv.length === 3) {
    if (isOption(argv[2] as string, 'hard')) hard = true;
    else if (!isOption(argv[2] as string, 'soft')) throw new ReplyError(SYNTAX_ERROR);
  }
  run(ctx, { kind: 'reset', hard });
}

function saveConfig(ctx: CommandContext): void {
  run(ctx, { kind: 'saveConfig' });
}

function bumpEpoch(ctx: CommandContext): void {
  run(ctx, { kind: 'bumpEpoch' });
}

function setConfigEpoch(ctx: CommandContext, argv: string[]): void {
  const epoch = parseInt64(argv[2] as string);
  if (epoch < 0n) throw new ReplyError(`ERR Invalid config epoch specified: ${epoch}`);
  run(ctx, { kind: 'setConfigEpoch', configEpoch: Number(epoch) });
}

/** Parsed and checked by the state machine; replication itself is a later issue. */
function replicate(ctx: CommandContext, argv: string[]): void {
  run(ctx, { kind: 'replicate', nodeId: argv[2] as string });
}

export const adminSubcommands: readonly CommandDefinition[] = [
  { name: 'meet', handler: meet },
  { name: 'addslots', handler: addSlots },
  { name: 'addslotsrange', handler: rangeSlots('addSlots') },
  { name: 'delslots', handler: delSlots },
  { name: 'delslotsrange', handler: rangeSlots('delSlots') },
  { name: 'flushslots', handler: flushSlots },
  { name: 'setslot', handler: setSlot },
  { name: 'forget', handler: forget },
  { name: 'reset', handler: reset },
  { name: 'saveconfig', handler: saveConfig },
  { name: 'bumpepoch', handler: bumpEpoch },
  { name: 'set-config-epoch', handler: setConfigEpoch },
  { name: 'replicate', handler: replicate },
];

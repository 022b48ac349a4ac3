import { Errors, ReplyError } from '../../lib/errors.js';
import { globMatch } from '../../keyspace/glob.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { keyPositions } from '../key-extraction.js';
import { isOption } from '../parse.js';
import type { CommandSpec } from '../spec.js';
import type { CommandRegistry, CommandView } from '../server-facade.js';
import { commandHelp } from './help-texts.js';
import { writeHelp, writeSpecTree } from './spec-emitter.js';

/**
 * COMMAND and its subcommands, generated from the Redis 7.0 specs of the commands Tessera
 * serves: a command or subcommand Tessera does not implement does not appear (clients such as
 * node-redis read this to learn key positions, so it must never promise what we lack).
 */

/** The COMMAND INFO entry: Redis's 10 fields, subcommands filtered to the implemented ones. */
function writeInfo(ctx: CommandContext, command: CommandView): void {
  const reply = ctx.reply;
  reply.array(10);
  for (const field of command.spec.infoTree) writeSpecTree(reply, field);
  if (command.subcommands === undefined) {
    // Redis writes an empty set when a command has no subcommand table.
    reply.set(0);
    return;
  }
  reply.array(command.subcommands.size);
  for (const sub of command.subcommands.values()) writeInfo(ctx, sub);
}

/** The COMMAND DOCS map of one command, its `subcommands` entry filtered likewise. */
function writeDocs(ctx: CommandContext, command: CommandView): void {
  const docs = command.spec.docsTree;
  if (docs === null || typeof docs !== 'object' || Array.isArray(docs) || !('map' in docs)) {
    ctx.reply.map(0);
    return;
  }
  const entries = docs.map.filter(([key]) => key !== 'subcommands' || command.subcommands !== undefined);
  ctx.reply.map(entries.length);
  for (const [key, value] of entries) {
    writeSpecTree(ctx.reply, key);
    if (key === 'subcommands' && command.subcommands !== undefined) {
      ctx.reply.map(command.subcommands.size);
      for (const sub of command.subcommands.values()) {
        ctx.reply.bulk(sub.spec.fullName);
        writeDocs(ctx, sub);
      }
    } else {
      writeSpecTree(ctx.reply, value);
    }
  }
}

/** `name` or `container|sub` (COMMAND INFO/DOCS accept both, any case). */
function lookupByFullName(table: CommandRegistry, name: string): CommandView | undefined {
  const bar = name.indexOf('|');
  if (bar === -1) return table.lookup(name);
  const container = table.lookup(name.slice(0, bar));
  return container?.subcommands?.get(name.slice(bar + 1).toLowerCase());
}

function command(ctx: CommandContext): void {
  const all = [...ctx.server.commands.all()];
  ctx.reply.array(all.length);
  for (const entry of all) writeInfo(ctx, entry);
}

function commandInfo(ctx: CommandContext, argv: string[]): void {
  if (argv.length === 2) {
    command(ctx);
    return;
  }
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const found = lookupByFullName(ctx.server.commands, argv[i] as string);
    if (found === undefined) ctx.reply.null();
    else writeInfo(ctx, found);
  }
}

function commandDocs(ctx: CommandContext, argv: string[]): void {
  const wanted: CommandView[] = [];
  if (argv.length === 2) wanted.push(...ctx.server.commands.all());
  else {
    for (let i = 2; i < argv.length; i++) {
      const found = lookupByFullName(ctx.server.commands, argv[i] as string);
      if (found !== undefined) wanted.push(found);
    }
  }
  ctx.reply.map(wanted.length);
  for (const entry of wanted) {
    ctx.reply.bulk(entry.spec.fullName);
    writeDocs(ctx, entry);
  }
}

function commandCount(ctx: CommandContext): void {
  ctx.reply.integer(ctx.server.commands.size);
}

/** Every command and subcommand, containers before their subcommands (Redis's order). */
function* everyCommand(table: CommandRegistry): Generator<CommandView> {
  for (const entry of table.all()) {
    yield entry;
    if (entry.subcommands !== undefined) yield* entry.subcommands.values();
  }
}

function commandList(ctx: CommandContext, argv: string[]): void {
  let keep: (entry: CommandView) => boolean = () => true;
  if (argv.length === 5 && isOption(argv[2], 'filterby')) {
    const kind = (argv[3] as string).toLowerCase();
    const value = argv[4] as string;
    if (kind === 'module') keep = () => false; // no modules in Tessera
    else if (kind === 'aclcat') {
      const category = `@${value.toLowerCase()}`;
      keep = (entry) => entry.spec.aclCategories.includes(category);
    } else if (kind === 'pattern') keep = (entry) => globMatch(value, entry.spec.fullName, true);
    else throw new ReplyError(Errors.syntax);
  } else if (argv.length !== 2) {
    throw new ReplyError(Errors.syntax);
  }
  const names: string[] = [];
  for (const entry of everyCommand(ctx.server.commands)) if (keep(entry)) names.push(entry.spec.fullName);
  ctx.reply.bulkArray(names);
}

/** COMMAND GETKEYS / GETKEYSANDFLAGS, with Redis's getKeysSubcommandImpl checks in order. */
function getKeys(ctx: CommandContext, argv: string[], withFlags: boolean): void {
  const args = argv.slice(2);
  let target = ctx.server.commands.lookup(args[0] as string);
  if (target?.subcommands !== undefined && args.length >= 2) target = target.subcommands.get((args[1] as string).toLowerCase());
  if (target === undefined) throw new ReplyError('ERR Invalid command specified');
  const spec = target.spec;
  if (spec.keySpecs.length === 0) throw new ReplyError('ERR The command has no key arguments');
  if ((spec.arity > 0 && spec.arity !== args.length) || args.length < -spec.arity) {
    throw new ReplyError('ERR Invalid number of arguments specified for command');
  }
  const positions = keyPositions(spec, args);
  if (positions === null || positions.length === 0) {
    if (spec.flags.has('no_mandatory_keys')) {
      ctx.reply.array(0);
      return;
    }
    throw new ReplyError('ERR Invalid arguments specified for command');
  }
  ctx.reply.array(positions.length);
  for (const position of positions) {
    if (!withFlags) {
      ctx.reply.bulk(args[position] as string);
      continue;
    }
    ctx.reply.array(2);
    ctx.reply.bulk(args[position] as string);
    const flags = keyFlagsAt(spec, args, position);
    ctx.reply.set(flags.length);
    for (const flag of flags) ctx.reply.simple(flag);
  }
}

/** The flags of the first key spec that yields this position (Redis reports that spec's). */
function keyFlagsAt(spec: CommandSpec, args: readonly string[], position: number): readonly string[] {
  for (const keySpec of spec.keySpecs) {
    const found = keyPositions({ ...spec, keySpecs: [keySpec] }, args);
    if (!found?.includes(position)) continue;
    if (!keySpec.flags.includes('variable_flags')) return keySpec.flags;
    return variableKeyFlags(spec.fullName, args) ?? keySpec.flags.filter((flag) => flag !== 'variable_flags');
  }
  return [];
}

/**
 * Key flags that depend on the arguments: Redis's getkeys procs for the `variable_flags` specs
 * (setGetKeys, bitfieldGetKeys in db.c).
 */
function variableKeyFlags(fullName: string, args: readonly string[]): readonly string[] | undefined {
  if (fullName === 'set') {
    for (let i = 3; i < args.length; i++) if (isOption(args[i], 'get')) return ['RW', 'access', 'update'];
    return ['OW', 'update'];
  }
  if (fullName === 'bitfield') {
    // Read-only when every operation is a well-formed GET or OVERFLOW; anything else may write.
    for (let i = 2; i < args.length; i++) {
      const remaining = args.length - i - 1;
      if (isOption(args[i], 'get') && remaining >= 2) i += 2;
      else if (isOption(args[i], 'overflow') && remaining >= 1) i += 1;
      else return ['RW', 'access', 'update'];
    }
    return ['RO', 'access'];
  }
  return undefined;
}

function commandHelpReply(ctx: CommandContext): void {
  writeHelp(ctx.reply, commandHelp);
}

export const commandCommand: CommandDefinition = {
  name: 'command',
  handler: command,
  subcommands: [
    { name: 'count', handler: commandCount },
    { name: 'info', handler: commandInfo },
    { name: 'docs', handler: commandDocs },
    { name: 'list', handler: commandList },
    { name: 'getkeys', handler: (ctx, argv) => getKeys(ctx, argv, false) },
    { name: 'getkeysandflags', handler: (ctx, argv) => getKeys(ctx, argv, true) },
    { name: 'help', handler: commandHelpReply },
  ],
};

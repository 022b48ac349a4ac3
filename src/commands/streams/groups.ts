import { ReplyError } from '../../lib/errors.js';
import { ConsumerGroup, ENTRIES_READ_UNKNOWN } from '../../keyspace/types/stream/consumer-group.js';
import { StreamValue } from '../../keyspace/types/stream/stream.js';
import { MIN_ID, type StreamId } from '../../keyspace/types/stream/stream-id.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { isOption, parseInt64 } from '../parse.js';
import { subcommandSyntaxError } from '../server/subcommand-error.js';
import { writeHelp } from '../server/spec-emitter.js';
import { parseId, parseStrictId, StreamErrors, writeStream } from './common.js';

/** XGROUP CREATE SETID DESTROY CREATECONSUMER DELCONSUMER HELP. */

const xgroupHelp: readonly string[] = [
  'XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
  'HELP',
  '    Prints this help.',
];

interface GroupTarget {
  stream: StreamValue | undefined;
  group: ConsumerGroup | undefined;
  makeStream: boolean;
  entriesRead: number;
}

/** The shared front part of xgroupCommand: options, key, group lookups and their errors. */
function resolve(ctx: CommandContext, argv: string[]): GroupTarget {
  const sub = (argv[1] as string).toLowerCase();
  let makeStream = false;
  let entriesRead = ENTRIES_READ_UNKNOWN;
  for (let i = 5; i < argv.length; ) {
    if (sub === 'create' && isOption(argv[i], 'mkstream')) {
      makeStream = true;
      i++;
    } else if ((sub === 'create' || sub === 'setid') && isOption(argv[i], 'entriesread') && i + 1 < argv.length) {
      const value = parseInt64(argv[i + 1] as string);
      if (value < 0n && value !== -1n) throw new ReplyError('ERR value for ENTRIESREAD must be positive or -1');
      entriesRead = Number(value);
      i += 2;
    } else {
      throw new ReplyError(subcommandSyntaxError(argv));
    }
  }
  const key = argv[2] as string;
  const stream = writeStream(ctx, key);
  const groupName = argv[3] as string;
  const group = stream?.group(groupName);
  if (!makeStream) {
    if (stream === undefined) {
      throw new ReplyError(
        'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
      );
    }
    if (group === undefined && (sub === 'setid' || sub === 'createconsumer' || sub === 'delconsumer')) {
      throw new ReplyError(StreamErrors.noGroupForKey(groupName, key));
    }
  }
  return { stream, group, makeStream, entriesRead };
}

function create(ctx: CommandContext, argv: string[]): void {
  const target = resolve(ctx, argv);
  if (argv.length > 8) throw new ReplyError(subcommandSyntaxError(argv));
  const idText = argv[4] as string;
  const id: StreamId = idText === '$' ? (target.stream?.lastId ?? MIN_ID) : parseStrictId(idText);
  let stream = target.stream;
  if (stream === undefined) {
    stream = new StreamValue();
    ctx.db.set(argv[2] as string, stream);
  }
  const name = argv[3] as string;
  stream.groups ??= new Map();
  if (stream.groups.has(name)) throw new ReplyError('BUSYGROUP Consumer Group name already exists');
  stream.groups.set(name, new ConsumerGroup(name, id, target.entriesRead));
  ctx.reply.ok();
  ctx.dirty();
  notify(ctx, 't', 'xgroup-create', argv[2] as string);
}

function setid(ctx: CommandContext, argv: string[]): void {
  const target = resolve(ctx, argv);
  if (argv.length !== 5 && argv.length !== 7) throw new ReplyError(subcommandSyntaxError(argv));
  const group = target.group as ConsumerGroup;
  const stream = target.stream as StreamValue;
  const idText = argv[4] as string;
  group.lastId = idText === '$' ? stream.lastId : parseId(idText);
  group.entriesRead = target.entriesRead;
  ctx.reply.ok();
  ctx.dirty();
  notify(ctx, 't', 'xgroup-setid', argv[2] as string);
}

function destroy(ctx: CommandContext, argv: string[]): void {
  const target = resolve(ctx, argv);
  if (target.group === undefined) {
    ctx.reply.integer(0);
    return;
  }
  target.stream?.groups?.delete(argv[3] as string);
  ctx.reply.integer(1);
  ctx.dirty();
  notify(ctx, 't', 'xgroup-destroy', argv[2] as string);
}

function createConsumer(ctx: CommandContext, argv: string[]): void {
  const target = resolve(ctx, argv);
  const created = (target.group as ConsumerGroup).createConsumer(argv[4] as string, ctx.nowMs);
  if (created !== null) {
    ctx.dirty();
    notify(ctx, 't', 'xgroup-createconsumer', argv[2] as string);
  }
  ctx.reply.integer(created === null ? 0 : 1);
}

function delConsumer(ctx: CommandContext, argv: string[]): void {
  const target = resolve(ctx, argv);
  const group = target.group as ConsumerGroup;
  const consumer = group.consumers.get(argv[4] as string);
  let pending = 0;
  if (consumer !== undefined) {
    pending = group.deleteConsumer(consumer);
    ctx.dirty();
    notify(ctx, 't', 'xgroup-delconsumer', argv[2] as string);
  }
  ctx.reply.integer(pending);
}

export const xgroupCommands: readonly CommandDefinition[] = [
  {
    name: 'xgroup',
    subcommands: [
      { name: 'create', handler: create },
      { name: 'setid', handler: setid },
      { name: 'destroy', handler: destroy },
      { name: 'createconsumer', handler: createConsumer },
      { name: 'delconsumer', handler: delConsumer },
      { name: 'help', handler: (ctx) => writeHelp(ctx.reply, xgroupHelp) },
    ],
  },
];

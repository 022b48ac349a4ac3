import { ReplyError } from '../../lib/errors.js';
import { Errors } from '../../lib/errors.js';
import type { ReplyWriter } from '../../resp/reply-writer.js';
import type { ConsumerGroup } from '../../keyspace/types/stream/consumer-group.js';
import { ENTRIES_READ_UNKNOWN } from '../../keyspace/types/stream/consumer-group.js';
import type { StreamValue } from '../../keyspace/types/stream/stream.js';
import { MAX_ID, MIN_ID } from '../../keyspace/types/stream/stream-id.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { isOption, parseInt64 } from '../parse.js';
import { subcommandSyntaxError } from '../server/subcommand-error.js';
import { writeHelp } from '../server/spec-emitter.js';
import { collectRange, readStream, StreamErrors, writeEntry, writeStreamId } from './common.js';
import { groupLag } from './delivery.js';

/** XINFO STREAM [FULL [COUNT n]], GROUPS, CONSUMERS, HELP. */

const xinfoHelp: readonly string[] = [
  'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Prints this help.',
];

function existingStream(ctx: CommandContext, key: string): StreamValue {
  const stream = readStream(ctx, key);
  if (stream === undefined) throw new ReplyError(Errors.noSuchKey);
  return stream;
}

function writeEntriesRead(reply: ReplyWriter, group: ConsumerGroup): void {
  if (group.entriesRead === ENTRIES_READ_UNKNOWN) reply.null();
  else reply.integer(group.entriesRead);
}

function writeLag(reply: ReplyWriter, stream: StreamValue, group: ConsumerGroup): void {
  const lag = groupLag(stream, group);
  if (lag === null) reply.null();
  else reply.integer(lag);
}

function infoStream(ctx: CommandContext, argv: string[]): void {
  // Redis looks the key up before it reads the options.
  const stream = existingStream(ctx, argv[2] as string);
  const options = argv.slice(3);
  let full = false;
  let count = 10;
  if (options.length > 0) {
    if (options.length !== 1 && options.length !== 3) throw new ReplyError(subcommandSyntaxError(argv));
    if (!isOption(options[0], 'full')) throw new ReplyError(subcommandSyntaxError(argv));
    full = true;
    if (options.length === 3) {
      if (!isOption(options[1], 'count')) throw new ReplyError(subcommandSyntaxError(argv));
      const value = parseInt64(options[2] as string);
      count = value < 0n ? 10 : value > 2147483647n ? 2147483647 : Number(value);
    }
  }
  const reply = ctx.reply;
  reply.map(full ? 9 : 10);
  reply.bulk('length');
  reply.integer(stream.length);
  reply.bulk('radix-tree-keys');
  reply.integer(stream.nodes.length);
  reply.bulk('radix-tree-nodes');
  reply.integer(stream.radixTreeNodes());
  reply.bulk('last-generated-id');
  writeStreamId(reply, stream.lastId);
  reply.bulk('max-deleted-entry-id');
  writeStreamId(reply, stream.maxDeletedId);
  reply.bulk('entries-added');
  reply.integer(stream.entriesAdded);
  reply.bulk('recorded-first-entry-id');
  writeStreamId(reply, stream.firstId);
  if (!full) {
    reply.bulk('groups');
    reply.integer(stream.groups?.size ?? 0);
    for (const [label, reverse] of [['first-entry', false], ['last-entry', true]] as const) {
      reply.bulk(label);
      const [entry] = collectRange(stream, MIN_ID, MAX_ID, reverse, 1);
      if (entry === undefined) reply.null();
      else writeEntry(reply, entry[0], entry[1], entry[2]);
    }
    return;
  }
  reply.bulk('entries');
  const entries = collectRange(stream, MIN_ID, MAX_ID, false, count);
  reply.array(entries.length);
  for (const [ms, seq, fields] of entries) writeEntry(reply, ms, seq, fields);
  reply.bulk('groups');
  const groups = stream.sortedGroups();
  reply.array(groups.length);
  for (const group of groups) {
    reply.map(7);
    reply.bulk('name');
    reply.bulk(group.name);
    reply.bulk('last-delivered-id');
    writeStreamId(reply, group.lastId);
    reply.bulk('entries-read');
    writeEntriesRead(reply, group);
    reply.bulk('lag');
    writeLag(reply, stream, group);
    reply.bulk('pel-count');
    reply.integer(group.pending.size);
    reply.bulk('pending');
    const shown = count === 0 ? group.pending.size : Math.min(count, group.pending.size);
    reply.array(shown);
    for (let i = 0; i < shown; i++) {
      const entry = group.pending.valueAt(i);
      reply.array(4);
      writeStreamId(reply, group.pending.idAt(i) ?? MIN_ID);
      reply.bulk(entry?.consumer?.name ?? '');
      reply.integer(entry?.deliveryTimeMs ?? 0);
      reply.integer(entry?.deliveryCount ?? 0);
    }
    reply.bulk('consumers');
    const consumers = group.sortedConsumers();
    reply.array(consumers.length);
    for (const consumer of consumers) {
      reply.map(4);
      reply.bulk('name');
      reply.bulk(consumer.name);
      reply.bulk('seen-time');
      reply.integer(consumer.seenTimeMs);
      reply.bulk('pel-count');
      reply.integer(consumer.pending.size);
      reply.bulk('pending');
      const mine = count === 0 ? consumer.pending.size : Math.min(count, consumer.pending.size);
      reply.array(mine);
      for (let i = 0; i < mine; i++) {
        const entry = consumer.pending.valueAt(i);
        reply.array(3);
        writeStreamId(reply, consumer.pending.idAt(i) ?? MIN_ID);
        reply.integer(entry?.deliveryTimeMs ?? 0);
        reply.integer(entry?.deliveryCount ?? 0);
      }
    }
  }
}

function infoGroups(ctx: CommandContext, argv: string[]): void {
  const stream = existingStream(ctx, argv[2] as string);
  const reply = ctx.reply;
  const groups = stream.sortedGroups();
  reply.array(groups.length);
  for (const group of groups) {
    reply.map(6);
    reply.bulk('name');
    reply.bulk(group.name);
    reply.bulk('consumers');
    reply.integer(group.consumers.size);
    reply.bulk('pending');
    reply.integer(group.pending.size);
    reply.bulk('last-delivered-id');
    writeStreamId(reply, group.lastId);
    reply.bulk('entries-read');
    writeEntriesRead(reply, group);
    reply.bulk('lag');
    writeLag(reply, stream, group);
  }
}

function infoConsumers(ctx: CommandContext, argv: string[]): void {
  const key = argv[2] as string;
  const stream = existingStream(ctx, key);
  const group = stream.group(argv[3] as string);
  if (group === undefined) throw new ReplyError(StreamErrors.noGroupForKey(argv[3] as string, key));
  const reply = ctx.reply;
  const consumers = group.sortedConsumers();
  reply.array(consumers.length);
  for (const consumer of consumers) {
    reply.map(3);
    reply.bulk('name');
    reply.bulk(consumer.name);
    reply.bulk('pending');
    reply.integer(consumer.pending.size);
    reply.bulk('idle');
    reply.integer(Math.max(0, ctx.nowMs - consumer.seenTimeMs));
  }
}

export const xinfoCommands: readonly CommandDefinition[] = [
  {
    name: 'xinfo',
    subcommands: [
      { name: 'stream', handler: infoStream },
      { name: 'groups', handler: infoGroups },
      { name: 'consumers', handler: infoConsumers },
      { name: 'help', handler: (ctx) => writeHelp(ctx.reply, xinfoHelp) },
    ],
  },
];

import { SetValue } from '../../keyspace/types/set/set-value.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { maxIntsetEntries, readSet, replyMembers, writeSet } from './set-access.js';

/** SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SMOVE. */

function sadd(ctx: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  let set = writeSet(ctx, key);
  if (set === undefined) {
    set = new SetValue(argv[2] as string);
    ctx.db.set(key, set);
  }
  const maxInts = maxIntsetEntries(ctx);
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (set.add(argv[i] as string, maxInts)) added++;
  ctx.dirty(added);
  if (added > 0) notify(ctx, 's', 'sadd', key);
  ctx.reply.integer(added);
}

function srem(ctx: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const set = writeSet(ctx, key);
  let removed = 0;
  if (set !== undefined) {
    let keyRemoved = false;
    for (let i = 2; i < argv.length; i++) {
      if (!set.delete(argv[i] as string)) continue;
      removed++;
      if (set.size === 0) {
        ctx.db.delete(key);
        keyRemoved = true;
        break;
      }
    }
    ctx.dirty(removed);
    if (removed > 0) notify(ctx, 's', 'srem', key);
    if (keyRemoved) notify(ctx, 'g', 'del', key);
  }
  ctx.reply.integer(removed);
}

function smembers(ctx: CommandContext, argv: string[]): void {
  replyMembers(ctx, readSet(ctx, argv[1] as string)?.members ?? []);
}

function sismember(ctx: CommandContext, argv: string[]): void {
  const set = readSet(ctx, argv[1] as string);
  ctx.reply.integer(set?.has(argv[2] as string) === true ? 1 : 0);
}

function smismember(ctx: CommandContext, argv: string[]): void {
  const set = readSet(ctx, argv[1] as string);
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) ctx.reply.integer(set?.has(argv[i] as string) === true ? 1 : 0);
}

function scard(ctx: CommandContext, argv: string[]): void {
  ctx.reply.integer(readSet(ctx, argv[1] as string)?.size ?? 0);
}

/** Redis's smoveCommand, in its order: a missing source is 0 before any type check. */
function smove(ctx: CommandContext, argv: string[]): void {
  const sourceKey = argv[1] as string;
  const destinationKey = argv[2] as string;
  const member = argv[3] as string;
  const sourceValue = ctx.db.lookup(sourceKey);
  if (sourceValue === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const source = writeSet(ctx, sourceKey) as SetValue;
  let destination = writeSet(ctx, destinationKey);
  if (source === destination) {
    ctx.reply.integer(source.has(member) ? 1 : 0);
    return;
  }
  if (!source.delete(member)) {
    ctx.reply.integer(0);
    return;
  }
  ctx.dirty();
  notify(ctx, 's', 'srem', sourceKey);
  if (source.size === 0) {
    ctx.db.delete(sourceKey);
    notify(ctx, 'g', 'del', sourceKey);
  }
  if (destination === undefined) {
    destination = new SetValue(member);
    ctx.db.set(destinationKey, destination);
  }
  if (destination.add(member, maxIntsetEntries(ctx))) {
    ctx.dirty();
    notify(ctx, 's', 'sadd', destinationKey);
  }
  ctx.reply.integer(1);
}

export const memberCommands: readonly CommandDefinition[] = [
  { name: 'sadd', handler: sadd },
  { name: 'srem', handler: srem },
  { name: 'smembers', handler: smembers },
  { name: 'sismember', handler: sismember },
  { name: 'smismember', handler: smismember },
  { name: 'scard', handler: scard },
  { name: 'smove', handler: smove },
];

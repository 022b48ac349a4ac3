import type { HashValue } from '../../keyspace/types/hash/hash-value.js';
import { Errors, ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { deleteIfEmpty, hashLimits, readHash, writeHash, writeOrCreateHash } from './hash-access.js';

/** HSET HMSET HSETNX HGET HMGET HDEL HEXISTS HLEN HSTRLEN HKEYS HVALS HGETALL. */

/** HSET and HMSET: field/value pairs; the pair count is checked before the key is touched. */
function setPairs(ctx: CommandContext, argv: string[], name: string): number {
  if (argv.length % 2 === 1) throw new ReplyError(Errors.wrongArity(name));
  const key = argv[1] as string;
  const hash = writeOrCreateHash(ctx, key);
  const created = hash.setPairs(argv, 2, hashLimits(ctx));
  ctx.dirty((argv.length - 2) / 2);
  notify(ctx, 'h', 'hset', key);
  return created;
}

function hset(ctx: CommandContext, argv: string[]): void {
  ctx.reply.integer(setPairs(ctx, argv, 'hset'));
}

function hmset(ctx: CommandContext, argv: string[]): void {
  setPairs(ctx, argv, 'hmset');
  ctx.reply.ok();
}

function hsetnx(ctx: CommandContext, argv: string[]): void {
  const hash = writeOrCreateHash(ctx, argv[1] as string);
  const field = argv[2] as string;
  if (hash.has(field)) {
    ctx.reply.integer(0);
    return;
  }
  const limits = hashLimits(ctx);
  hash.convertIfTooLong(argv, 2, 4, limits);
  hash.set(field, argv[3] as string, limits);
  ctx.dirty();
  notify(ctx, 'h', 'hset', argv[1] as string);
  ctx.reply.integer(1);
}

function hget(ctx: CommandContext, argv: string[]): void {
  const hash = readHash(ctx, argv[1] as string);
  ctx.reply.bulk(hash?.get(argv[2] as string) ?? null);
}

function hmget(ctx: CommandContext, argv: string[]): void {
  const hash = readHash(ctx, argv[1] as string);
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) ctx.reply.bulk(hash?.get(argv[i] as string) ?? null);
}

function hdel(ctx: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const hash = writeHash(ctx, key);
  let deleted = 0;
  if (hash !== undefined) {
    for (let i = 2; i < argv.length && !hash.isEmpty; i++) if (hash.delete(argv[i] as string)) deleted++;
    if (deleted > 0) notify(ctx, 'h', 'hdel', key);
    deleteIfEmpty(ctx, key, hash);
    ctx.dirty(deleted);
  }
  ctx.reply.integer(deleted);
}

function hexists(ctx: CommandContext, argv: string[]): void {
  const hash = readHash(ctx, argv[1] as string);
  ctx.reply.integer(hash?.has(argv[2] as string) === true ? 1 : 0);
}

function hlen(ctx: CommandContext, argv: string[]): void {
  ctx.reply.integer(readHash(ctx, argv[1] as string)?.size ?? 0);
}

function hstrlen(ctx: CommandContext, argv: string[]): void {
  const hash = readHash(ctx, argv[1] as string);
  ctx.reply.integer(hash?.get(argv[2] as string)?.length ?? 0);
}

/** HKEYS HVALS HGETALL (Redis's genericHgetallCommand). */
function replyAll(ctx: CommandContext, hash: HashValue | undefined, what: 'keys' | 'values' | 'both'): void {
  const reply = ctx.reply;
  const size = hash?.size ?? 0;
  if (what === 'both') reply.map(size);
  else reply.array(size);
  hash?.forEach((field, value) => {
    if (what !== 'values') reply.bulk(field);
    if (what !== 'keys') reply.bulk(value);
  });
}

export const fieldCommands: readonly CommandDefinition[] = [
  { name: 'hset', handler: hset },
  { name: 'hmset', handler: hmset },
  { name: 'hsetnx', handler: hsetnx },
  { name: 'hget', handler: hget },
  { name: 'hmget', handler: hmget },
  { name: 'hdel', handler: hdel },
  { name: 'hexists', handler: hexists },
  { name: 'hlen', handler: hlen },
  { name: 'hstrlen', handler: hstrlen },
  { name: 'hkeys', handler: (ctx, argv) => replyAll(ctx, readHash(ctx, argv[1] as string), 'keys') },
  { name: 'hvals', handler: (ctx, argv) => replyAll(ctx, readHash(ctx, argv[1] as string), 'values') },
  { name: 'hgetall', handler: (ctx, argv) => replyAll(ctx, readHash(ctx, argv[1] as string), 'both') },
];

import { ReplyError } from '../../lib/errors.js';
import { SLOT_COUNT, keyHashSlot } from '../../lib/hash-slot.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { parseInt64 } from '../parse.js';

/** CLUSTER KEYSLOT key: the key's hash slot (CRC16 of the key or of its {tag}). */
function keyslot(ctx: CommandContext, argv: string[]): void {
  ctx.reply.integer(keyHashSlot(argv[2] as string));
}

/** CLUSTER COUNTKEYSINSLOT slot: keys of database 0 in the slot (expired ones not yet removed count, as in Redis). */
function countKeysInSlot(ctx: CommandContext, argv: string[]): void {
  const slot = parseInt64(argv[2] as string);
  if (slot < 0n || slot >= BigInt(SLOT_COUNT)) throw new ReplyError('ERR Invalid slot');
  ctx.reply.integer(ctx.keyspace.db(0).countKeysInSlot(Number(slot)));
}

/** CLUSTER GETKEYSINSLOT slot count: up to count keys of the slot (resharding reads these). */
function getKeysInSlot(ctx: CommandContext, argv: string[]): void {
  const slot = parseInt64(argv[2] as string);
  const maxKeys = parseInt64(argv[3] as string);
  if (slot < 0n || slot >= BigInt(SLOT_COUNT) || maxKeys < 0n) throw new ReplyError('ERR Invalid slot or number of keys');
  const db = ctx.keyspace.db(0);
  const count = db.countKeysInSlot(Number(slot));
  const keys = db.keysInSlot(Number(slot), maxKeys > BigInt(count) ? count : Number(maxKeys));
  ctx.reply.array(keys.length);
  for (const key of keys) ctx.reply.bulk(key);
}

export const slotKeySubcommands: readonly CommandDefinition[] = [
  { name: 'keyslot', handler: keyslot },
  { name: 'countkeysinslot', handler: countKeysInSlot },
  { name: 'getkeysinslot', handler: getKeysInSlot },
];

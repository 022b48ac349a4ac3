import { Errors, ReplyError } from '../../lib/errors.js';
import type { StoredValue } from '../../keyspace/stored-value.js';
import { SortedSet, type ZsetLimits } from '../../keyspace/types/zset/sorted-set.js';
import { parseStrictDouble } from '../../keyspace/types/zset/strtod.js';
import type { CommandContext } from '../context.js';
import { lookupRead, lookupWrite } from '../lookup.js';
import { derivedFromConfig } from '../config-derived.js';

/** The encoding thresholds for this command (cached numbers in the config). */
export function zsetLimits(ctx: CommandContext): ZsetLimits {
  return cachedZsetLimits(ctx.server.config);
}

const cachedZsetLimits = derivedFromConfig(
  (config): ZsetLimits => ({
    maxListpackEntries: config.number('zset-max-listpack-entries'),
    maxListpackValueBytes: config.number('zset-max-listpack-value'),
  }),
);

function asZset(value: StoredValue | undefined): SortedSet | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof SortedSet)) throw new ReplyError(Errors.wrongType);
  return value;
}

/** A sorted set for reading (hit/miss counted), undefined when missing, WRONGTYPE otherwise. */
export function readZset(ctx: CommandContext, key: string): SortedSet | undefined {
  return asZset(lookupRead(ctx, key));
}

export function writeZset(ctx: CommandContext, key: string): SortedSet | undefined {
  return asZset(lookupWrite(ctx, key));
}

/** Deletes the key when its set became empty (Redis never keeps an empty container). */
export function deleteIfEmpty(ctx: CommandContext, key: string, zset: SortedSet): void {
  if (zset.size === 0) ctx.db.delete(key);
}

/** getDoubleFromObjectOrReply. */
export function parseScore(text: string, message: string = Errors.notFloat): number {
  const value = parseStrictDouble(text);
  if (value === null) throw new ReplyError(message);
  return value;
}

export const ZsetErrors = {
  notFloatRange: 'ERR min or max is not a float',
  notLexRange: 'ERR min or max not valid string range item',
  nanScore: 'ERR resulting score is not a number (NaN)',
  mustBePositive: 'ERR value is out of range, must be positive',
} as const;

/**
 * Members with optional scores as ZRANGE replies them: RESP2 one flat array, RESP3 an array of
 * [member, score] pairs when scores are asked for.
 */
export class MemberReply {
  readonly #ctx: CommandContext;
  readonly #withScores: boolean;
  readonly #nested: boolean;
  constructor(ctx: CommandContext, withScores: boolean) {
    this.#ctx = ctx;
    this.#withScores = withScores;
    this.#nested = withScores && ctx.reply.protocol === 3;
  }

  begin(count: number): void {
    this.#ctx.reply.array(this.#withScores && !this.#nested ? count * 2 : count);
  }

  add(member: string, score: number): void {
    const reply = this.#ctx.reply;
    if (this.#nested) reply.array(2);
    reply.bulk(member);
    if (this.#withScores) reply.double(score);
  }
}

import { Errors, ReplyError } from '../../lib/errors.js';
import type { StoredValue } from '../../keyspace/stored-value.js';
import { SetValue } from '../../keyspace/types/set/set-value.js';
import { SortedSet } from '../../keyspace/types/zset/sorted-set.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { lookupRead } from '../lookup.js';
import { isOption, parseInt64 } from '../parse.js';
import { MemberReply, parseScore, zsetLimits } from './common.js';

/** ZUNION ZINTER ZDIFF, their *STORE forms, and ZINTERCARD: zunionInterDiffGenericCommand. */

type SetOp = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** An input: a sorted set, or a plain set (every member with score 1), or nothing. */
interface Source {
  value: SortedSet | SetValue | undefined;
  weight: number;
}

function sourceSize(source: Source): number {
  return source.value?.size ?? 0;
}

function sourceScore(source: Source, member: string): number | undefined {
  const value = source.value;
  if (value === undefined) return undefined;
  if (value instanceof SortedSet) return value.score(member);
  return value.has(member) ? 1 : undefined;
}

function* sourceEntries(source: Source): IterableIterator<[string, number]> {
  const value = source.value;
  if (value === undefined) return;
  if (value instanceof SortedSet) yield* value.entries();
  else for (const member of value.members) yield [member, 1];
}

function asSource(value: StoredValue | undefined): Source {
  if (value === undefined) return { value: undefined, weight: 1 };
  if (value instanceof SortedSet) return { value, weight: 1 };
  if (value instanceof SetValue) return { value, weight: 1 };
  throw new ReplyError(Errors.wrongType);
}

function aggregateInto(target: number, value: number, aggregate: Aggregate): number {
  if (aggregate === 'sum') {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum; // inf + -inf: Redis keeps 0
  }
  if (aggregate === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

interface SetOpCommand {
  op: SetOp;
  numkeysIndex: number;
  store: boolean;
  cardinalityOnly: boolean;
}

function zsetop(ctx: CommandContext, argv: string[], command: SetOpCommand): void {
  const { op, numkeysIndex, store, cardinalityOnly } = command;
  const setCount = parseInt64(argv[numkeysIndex] as string);
  if (setCount < 1n) throw new ReplyError(`ERR at least 1 input key is needed for '${(argv[0] as string).toLowerCase()}' command`);
  if (setCount > BigInt(argv.length - (numkeysIndex + 1))) throw new ReplyError(Errors.syntax);
  const numkeys = Number(setCount);
  const sources: Source[] = [];
  let j = numkeysIndex + 1;
  for (let i = 0; i < numkeys; i++, j++) sources.push(asSource(lookupRead(ctx, argv[j] as string)));
  let aggregate: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const arg = argv[j] as string;
    if (op !== 'diff' && !cardinalityOnly && remaining >= numkeys + 1 && isOption(arg, 'weights')) {
      j++;
      for (let i = 0; i < numkeys; i++, j++) (sources[i] as Source).weight = parseScore(argv[j] as string, 'ERR weight value is not a float');
    } else if (op !== 'diff' && !cardinalityOnly && remaining >= 2 && isOption(arg, 'aggregate')) {
      const name = argv[j + 1] as string;
      if (isOption(name, 'sum')) aggregate = 'sum';
      else if (isOption(name, 'min')) aggregate = 'min';
      else if (isOption(name, 'max')) aggregate = 'max';
      else throw new ReplyError(Errors.syntax);
      j += 2;
    } else if (!store && !cardinalityOnly && isOption(arg, 'withscores')) {
      j++;
      withScores = true;
    } else if (cardinalityOnly && remaining >= 2 && isOption(arg, 'limit')) {
      const parsed = parseInt64(argv[j + 1] as string, "ERR LIMIT can't be negative");
      if (parsed < 0n) throw new ReplyError("ERR LIMIT can't be negative");
      limit = parsed > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(parsed);
      j += 2;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  // Smallest first, as Redis sorts them (a stable sort; Redis's qsort may order ties otherwise).
  if (op !== 'diff') sources.sort((a, b) => sourceSize(a) - sourceSize(b));

  if (cardinalityOnly) {
    ctx.reply.integer(intersectionCardinality(sources, limit));
    return;
  }
  const result = new Map<string, number>();
  if (op === 'inter') intersect(sources, aggregate, result);
  else if (op === 'union') unite(sources, aggregate, result);
  else difference(sources, result);

  const limits = zsetLimits(ctx);
  if (store) {
    const destination = argv[1] as string;
    if (result.size > 0) {
      let maxMemberBytes = 0;
      for (const member of result.keys()) if (member.length > maxMemberBytes) maxMemberBytes = member.length;
      const zset = SortedSet.create(result.size, maxMemberBytes, limits);
      for (const [member, score] of result) zset.set(member, score, limits);
      ctx.db.set(destination, zset);
      ctx.dirty();
      notify(ctx, 'z', `z${op}store`, destination);
      ctx.reply.integer(zset.size);
    } else {
      if (ctx.db.delete(destination) !== undefined) {
        ctx.dirty();
        notify(ctx, 'g', 'del', destination);
      }
      ctx.reply.integer(0);
    }
    return;
  }
  const sorted = [...result].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const reply = new MemberReply(ctx, withScores);
  reply.begin(sorted.length);
  for (const [member, score] of sorted) reply.add(member, score);
}

function intersect(sources: Source[], aggregate: Aggregate, result: Map<string, number>): void {
  const first = sources[0] as Source;
  if (sourceSize(first) === 0) return;
  for (const [member, rawScore] of sourceEntries(first)) {
    let score = first.weight * rawScore;
    if (Number.isNaN(score)) score = 0;
    let inAll = true;
    for (let j = 1; j < sources.length; j++) {
      const other = sources[j] as Source;
      const found = other.value === first.value ? rawScore : sourceScore(other, member);
      if (found === undefined) {
        inAll = false;
        break;
      }
      score = aggregateInto(score, found * other.weight, aggregate);
    }
    if (inAll) result.set(member, score);
  }
}

function intersectionCardinality(sources: Source[], limit: number): number {
  const first = sources[0] as Source;
  let count = 0;
  if (sourceSize(first) === 0) return 0;
  for (const [member] of sourceEntries(first)) {
    let inAll = true;
    for (let j = 1; j < sources.length && inAll; j++) {
      const other = sources[j] as Source;
      inAll = other.value === first.value || sourceScore(other, member) !== undefined;
    }
    if (!inAll) continue;
    count++;
    if (limit > 0 && count >= limit) break;
  }
  return count;
}

function unite(sources: Source[], aggregate: Aggregate, result: Map<string, number>): void {
  for (const source of sources) {
    for (const [member, rawScore] of sourceEntries(source)) {
      let score = source.weight * rawScore;
      if (Number.isNaN(score)) score = 0;
      const existing = result.get(member);
      result.set(member, existing === undefined ? score : aggregateInto(existing, score, aggregate));
    }
  }
}

function difference(sources: Source[], result: Map<string, number>): void {
  const first = sources[0] as Source;
  for (let j = 1; j < sources.length; j++) if (first.value !== undefined && (sources[j] as Source).value === first.value) return;
  for (const [member, score] of sourceEntries(first)) {
    let found = false;
    for (let j = 1; j < sources.length && !found; j++) found = sourceScore(sources[j] as Source, member) !== undefined;
    if (!found) result.set(member, score);
  }
}

const op = (command: SetOpCommand) => (ctx: CommandContext, argv: string[]) => zsetop(ctx, argv, command);

export const zsetopCommands: readonly CommandDefinition[] = [
  { name: 'zunion', handler: op({ op: 'union', numkeysIndex: 1, store: false, cardinalityOnly: false }) },
  { name: 'zinter', handler: op({ op: 'inter', numkeysIndex: 1, store: false, cardinalityOnly: false }) },
  { name: 'zdiff', handler: op({ op: 'diff', numkeysIndex: 1, store: false, cardinalityOnly: false }) },
  { name: 'zunionstore', handler: op({ op: 'union', numkeysIndex: 2, store: true, cardinalityOnly: false }) },
  { name: 'zinterstore', handler: op({ op: 'inter', numkeysIndex: 2, store: true, cardinalityOnly: false }) },
  { name: 'zdiffstore', handler: op({ op: 'diff', numkeysIndex: 2, store: true, cardinalityOnly: false }) },
  { name: 'zintercard', handler: op({ op: 'inter', numkeysIndex: 1, store: false, cardinalityOnly: true }) },
];

import type { Random } from '../../../src/lib/random.js';

/** How the replies of one generated command are compared. */
export type Comparison =
  | { kind: 'exact' }
  /** Array replies in any order (KEYS). */
  | { kind: 'sorted' }
  /** TTL-like integers: -1 and -2 exact, positive values within `tolerance` of each other. */
  | { kind: 'ttl'; tolerance: number };

export interface GeneratedCommand {
  argv: string[];
  comparison: Comparison;
}

/** The keys the sequence works on: few, so commands keep hitting the same data. */
export const KEYS: readonly string[] = ['k1', 'k2', 'k3', 'n1', 'n2', '{t}a', '{t}b', 'bin\x00key'];

const VALUES: readonly string[] = [
  '',
  'v',
  'hello',
  'hello world',
  '\x00\xff\r\n',
  'x'.repeat(50),
  '0',
  '1',
  '-1',
  '42',
  '007',
  '+5',
  ' 3',
  '3.5',
  '-0',
  '1e3',
  '9223372036854775806',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  'abc',
];

const INCREMENTS: readonly string[] = ['0', '1', '-1', '5', '100', '-100', '9223372036854775807', '-9223372036854775808', 'x', '1.5', ''];
/**
 * Binary-exact steps, on keys holding small numbers only: Redis adds in long double, and a
 * value like 2^63 + 0.5 would show the (known) precision gap to JS doubles, not a bug.
 */
const FLOAT_INCREMENTS: readonly string[] = ['0', '1', '-1', '0.5', '1.25', '-3.75', '1e2', '10.5', 'abc', 'inf', '-inf', ''];
const FLOAT_KEYS: readonly string[] = ['f1', 'f2'];
const FLOAT_VALUES: readonly string[] = ['0', '1.5', '-2.25', '10', '3e2', 'abc', ''];
const OFFSETS: readonly string[] = ['0', '1', '2', '3', '5', '10', '-1', '-2', '-100', '100', '9223372036854775807', 'x'];
/** 536870912 with a non-empty value is past proto-max-bulk-len: an error, no allocation. */
const SET_OFFSETS: readonly string[] = ['0', '1', '3', '7', '20', '-1', 'x', '536870912'];
/** Long enough that nothing expires during a run; 0 and negatives delete at once. */
const SECONDS: readonly string[] = ['100', '1000', '3600', '0', '-5', 'x', '9223372036854775807'];
/** Far-future unix times (2100), 1 (the past: deletes), and junk. */
const UNIX_SECONDS: readonly string[] = ['4102444800', '4102444801', '4102448400', '1', '0', '-1', 'x'];

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[random.int(items.length)] as T;
}

const exact: Comparison = { kind: 'exact' };

type Builder = (random: Random) => string[] | GeneratedCommand;

function key(random: Random): string {
  return pick(random, KEYS);
}

function value(random: Random): string {
  return random.int(4) === 0 ? String(random.int(1000) - 500) : pick(random, VALUES);
}

function someKeys(random: Random, max: number): string[] {
  const count = 1 + random.int(max);
  return Array.from({ length: count }, () => key(random));
}

function setCommand(random: Random): string[] {
  const argv = ['SET', key(random), value(random)];
  if (random.int(3) === 0) argv.push(pick(random, ['NX', 'XX', 'nx', 'xx']));
  if (random.int(3) === 0) argv.push('GET');
  const expiry = random.int(6);
  if (expiry === 0) argv.push('EX', pick(random, SECONDS));
  else if (expiry === 1) argv.push('PX', pick(random, ['100000', '3600000', '0', '-1']));
  else if (expiry === 2) argv.push('KEEPTTL');
  else if (expiry === 3 && random.int(4) === 0) argv.push('EX', '100', 'PX', '100'); // syntax error
  return argv;
}

function getexCommand(random: Random): string[] {
  const argv = ['GETEX', key(random)];
  const option = random.int(5);
  if (option === 0) argv.push('EX', pick(random, SECONDS));
  else if (option === 1) argv.push('PX', '100000');
  else if (option === 2) argv.push('PERSIST');
  return argv;
}

function ttl(name: string, tolerance: number): Builder {
  return (random) => ({ argv: [name, key(random)], comparison: { kind: 'ttl', tolerance } });
}

/** Commands of the server core that are deterministic given the same sequence, with weights. */
const BUILDERS: ReadonlyArray<[weight: number, name: string, build: Builder]> = [
  [12, 'get', (r) => ['GET', key(r)]],
  [12, 'set', setCommand],
  [3, 'setnx', (r) => ['SETNX', key(r), value(r)]],
  [2, 'setex', (r) => ['SETEX', key(r), pick(r, SECONDS), value(r)]],
  [2, 'psetex', (r) => ['PSETEX', key(r), pick(r, ['100000', '0', '-1']), value(r)]],
  [2, 'getset', (r) => ['GETSET', key(r), value(r)]],
  [3, 'getdel', (r) => ['GETDEL', key(r)]],
  [2, 'getex', getexCommand],
  [5, 'del', (r) => ['DEL', ...someKeys(r, 3)]],
  [2, 'unlink', (r) => ['UNLINK', ...someKeys(r, 3)]],
  [5, 'exists', (r) => ['EXISTS', ...someKeys(r, 4)]],
  [6, 'incr', (r) => ['INCR', key(r)]],
  [4, 'incrby', (r) => ['INCRBY', key(r), pick(r, INCREMENTS)]],
  [3, 'decr', (r) => ['DECR', key(r)]],
  [3, 'decrby', (r) => ['DECRBY', key(r), pick(r, INCREMENTS)]],
  [3, 'incrbyfloat', (r) => ['INCRBYFLOAT', pick(r, FLOAT_KEYS), pick(r, FLOAT_INCREMENTS)]],
  [1, 'set', (r) => ['SET', pick(r, FLOAT_KEYS), pick(r, FLOAT_VALUES)]],
  [1, 'get', (r) => ['GET', pick(r, FLOAT_KEYS)]],
  [5, 'append', (r) => ['APPEND', key(r), value(r)]],
  [4, 'strlen', (r) => ['STRLEN', key(r)]],
  [4, 'getrange', (r) => ['GETRANGE', key(r), pick(r, OFFSETS), pick(r, OFFSETS)]],
  [1, 'substr', (r) => ['SUBSTR', key(r), pick(r, OFFSETS), pick(r, OFFSETS)]],
  [3, 'setrange', (r) => ['SETRANGE', key(r), pick(r, SET_OFFSETS), r.int(5) === 0 ? '' : value(r)]],
  [3, 'mget', (r) => ['MGET', ...someKeys(r, 4)]],
  [2, 'mset', (r) => ['MSET', ...someKeys(r, 3).flatMap((k) => [k, value(r)])]],
  [1, 'msetnx', (r) => ['MSETNX', ...someKeys(r, 3).flatMap((k) => [k, value(r)])]],
  // GT/LT only with absolute times: two relative expiries set a millisecond apart compare by timing.
  [4, 'expire', (r) => ['EXPIRE', key(r), pick(r, SECONDS), ...(r.int(3) === 0 ? [pick(r, ['NX', 'XX'])] : [])]],
  [2, 'expireat', (r) => ['EXPIREAT', key(r), pick(r, UNIX_SECONDS), ...(r.int(2) === 0 ? [pick(r, ['NX', 'XX', 'GT', 'LT', 'gt'])] : [])]],
  [1, 'pexpireat', (r) => ['PEXPIREAT', key(r), `${pick(r, UNIX_SECONDS)}${pick(r, ['000', '500'])}`, ...(r.int(2) === 0 ? [pick(r, ['NX', 'XX', 'GT', 'LT'])] : [])]],
  [1, 'expiretime', (r) => ({ argv: ['EXPIRETIME', key(r)], comparison: { kind: 'ttl', tolerance: 2 } })],
  [1, 'pexpiretime', (r) => ({ argv: ['PEXPIRETIME', key(r)], comparison: { kind: 'ttl', tolerance: 2000 } })],
  [2, 'pexpire', (r) => ['PEXPIRE', key(r), pick(r, ['100000', '3600000', '0', '-1'])]],
  [3, 'ttl', ttl('TTL', 2)],
  [2, 'pttl', ttl('PTTL', 2000)],
  [3, 'persist', (r) => ['PERSIST', key(r)]],
  [3, 'type', (r) => ['TYPE', key(r)]],
  [2, 'rename', (r) => ['RENAME', key(r), key(r)]],
  [2, 'renamenx', (r) => ['RENAMENX', key(r), key(r)]],
  [1, 'copy', (r) => ['COPY', key(r), key(r), ...(r.int(2) === 0 ? ['REPLACE'] : [])]],
  [1, 'touch', (r) => ['TOUCH', ...someKeys(r, 3)]],
  [1, 'dbsize', () => ['DBSIZE']],
  [1, 'keys', () => ({ argv: ['KEYS', '*'], comparison: { kind: 'sorted' } })],
  [1, 'lcs', (r) => ['LCS', key(r), key(r)]],
];

// ---- data types (issue 3): the same few keys, so types collide and WRONGTYPE is exercised ----
const FIELDS: readonly string[] = ['f1', 'f2', 'f3', '10', '-5', 'x'.repeat(70)];
const MEMBERS: readonly string[] = ['a', 'b', 'c', '1', '2', '300', '-7', 'zz'];
const SCORES: readonly string[] = ['0', '1', '2', '2.5', '-1', '1e3', 'inf', '-inf', '-0', 'x'];
const RANGE_BOUNDS: readonly string[] = ['-inf', '+inf', '0', '1', '(1', '2.5', '(2.5', '1e3', 'x'];
const LIST_INDEXES: readonly string[] = ['0', '1', '2', '-1', '-2', '5', '-10', '100', 'x'];
const sorted: Comparison = { kind: 'sorted' };

function field(random: Random): string {
  return pick(random, FIELDS);
}

function member(random: Random): string {
  return pick(random, MEMBERS);
}

function someMembers(random: Random, max: number): string[] {
  return Array.from({ length: 1 + random.int(max) }, () => member(random));
}

/** Binary-exact score increments (no long-double gaps; see FLOAT_INCREMENTS). */
const SCORE_INCREMENTS: readonly string[] = ['1', '-1', '0.5', '2.25', '-3', '10', 'inf', 'x'];

const DATA_TYPE_BUILDERS: ReadonlyArray<[weight: number, name: string, build: Builder]> = [
  // lists
  [6, 'lpush', (r) => ['LPUSH', key(r), ...someMembers(r, 3)]],
  [6, 'rpush', (r) => ['RPUSH', key(r), ...someMembers(r, 3)]],
  [2, 'lpushx', (r) => ['LPUSHX', key(r), member(r)]],
  [4, 'lpop', (r) => ['LPOP', key(r), ...(r.int(3) === 0 ? [pick(r, ['0', '1', '2', '10', '-1'])] : [])]],
  [4, 'rpop', (r) => ['RPOP', key(r), ...(r.int(3) === 0 ? [pick(r, ['0', '2', '5'])] : [])]],
  [3, 'llen', (r) => ['LLEN', key(r)]],
  [5, 'lrange', (r) => ['LRANGE', key(r), pick(r, LIST_INDEXES), pick(r, LIST_INDEXES)]],
  [3, 'lindex', (r) => ['LINDEX', key(r), pick(r, LIST_INDEXES)]],
  [2, 'lset', (r) => ['LSET', key(r), pick(r, LIST_INDEXES), member(r)]],
  [2, 'linsert', (r) => ['LINSERT', key(r), pick(r, ['BEFORE', 'AFTER', 'x']), member(r), member(r)]],
  [2, 'lrem', (r) => ['LREM', key(r), pick(r, ['0', '1', '-1', '2']), member(r)]],
  [2, 'ltrim', (r) => ['LTRIM', key(r), pick(r, LIST_INDEXES), pick(r, LIST_INDEXES)]],
  [2, 'lpos', (r) => ['LPOS', key(r), member(r), ...(r.int(2) === 0 ? ['RANK', pick(r, ['1', '-1', '2', '0'])] : []), ...(r.int(2) === 0 ? ['COUNT', pick(r, ['0', '1', '3'])] : [])]],
  [2, 'lmove', (r) => ['LMOVE', key(r), key(r), pick(r, ['LEFT', 'RIGHT']), pick(r, ['LEFT', 'RIGHT'])]],
  [1, 'rpoplpush', (r) => ['RPOPLPUSH', key(r), key(r)]],
  // hashes
  [6, 'hset', (r) => ['HSET', key(r), ...Array.from({ length: 1 + r.int(3) }, () => [field(r), value(r)]).flat()]],
  [4, 'hget', (r) => ['HGET', key(r), field(r)]],
  [2, 'hsetnx', (r) => ['HSETNX', key(r), field(r), value(r)]],
  [2, 'hmget', (r) => ['HMGET', key(r), field(r), field(r)]],
  [3, 'hdel', (r) => ['HDEL', key(r), field(r), field(r)]],
  [2, 'hlen', (r) => ['HLEN', key(r)]],
  [2, 'hexists', (r) => ['HEXISTS', key(r), field(r)]],
  [2, 'hstrlen', (r) => ['HSTRLEN', key(r), field(r)]],
  [3, 'hincrby', (r) => ['HINCRBY', key(r), field(r), pick(r, INCREMENTS)]],
  [2, 'hgetall', (r) => ({ argv: ['HGETALL', key(r)], comparison: sorted })],
  [1, 'hkeys', (r) => ({ argv: ['HKEYS', key(r)], comparison: sorted })],
  [1, 'hvals', (r) => ({ argv: ['HVALS', key(r)], comparison: sorted })],
  // sets
  [6, 'sadd', (r) => ['SADD', key(r), ...someMembers(r, 4)]],
  [3, 'srem', (r) => ['SREM', key(r), ...someMembers(r, 2)]],
  [3, 'sismember', (r) => ['SISMEMBER', key(r), member(r)]],
  [1, 'smismember', (r) => ['SMISMEMBER', key(r), member(r), member(r)]],
  [2, 'scard', (r) => ['SCARD', key(r)]],
  [2, 'smembers', (r) => ({ argv: ['SMEMBERS', key(r)], comparison: sorted })],
  [2, 'smove', (r) => ['SMOVE', key(r), key(r), member(r)]],
  [2, 'sunion', (r) => ({ argv: ['SUNION', ...someKeys(r, 3)], comparison: sorted })],
  [2, 'sinter', (r) => ({ argv: ['SINTER', ...someKeys(r, 3)], comparison: sorted })],
  [2, 'sdiff', (r) => ({ argv: ['SDIFF', ...someKeys(r, 3)], comparison: sorted })],
  [1, 'sintercard', (r) => ['SINTERCARD', '2', key(r), key(r)]],
  [2, 'sunionstore', (r) => ['SUNIONSTORE', key(r), ...someKeys(r, 2)]],
  [1, 'sdiffstore', (r) => ['SDIFFSTORE', key(r), ...someKeys(r, 2)]],
  // sorted sets
  [6, 'zadd', (r) => ['ZADD', key(r), ...(r.int(4) === 0 ? [pick(r, ['NX', 'XX', 'GT', 'LT', 'CH'])] : []), ...Array.from({ length: 1 + r.int(3) }, () => [pick(r, SCORES), member(r)]).flat()]],
  [3, 'zincrby', (r) => ['ZINCRBY', key(r), pick(r, SCORE_INCREMENTS), member(r)]],
  [2, 'zrem', (r) => ['ZREM', key(r), ...someMembers(r, 2)]],
  [3, 'zscore', (r) => ['ZSCORE', key(r), member(r)]],
  [2, 'zcard', (r) => ['ZCARD', key(r)]],
  [2, 'zrank', (r) => ['ZRANK', key(r), member(r)]],
  [1, 'zrevrank', (r) => ['ZREVRANK', key(r), member(r)]],
  [2, 'zcount', (r) => ['ZCOUNT', key(r), pick(r, RANGE_BOUNDS), pick(r, RANGE_BOUNDS)]],
  [4, 'zrange', (r) => ['ZRANGE', key(r), pick(r, LIST_INDEXES), pick(r, LIST_INDEXES), ...(r.int(2) === 0 ? ['WITHSCORES'] : [])]],
  [2, 'zrangebyscore', (r) => ['ZRANGEBYSCORE', key(r), pick(r, RANGE_BOUNDS), pick(r, RANGE_BOUNDS), ...(r.int(2) === 0 ? ['WITHSCORES'] : []), ...(r.int(3) === 0 ? ['LIMIT', '1', '2'] : [])]],
  [1, 'zrevrangebyscore', (r) => ['ZREVRANGEBYSCORE', key(r), pick(r, RANGE_BOUNDS), pick(r, RANGE_BOUNDS)]],
  // No ZRANGEBYLEX: here scores differ, and Redis leaves lex ranges unspecified then
  // (https://redis.io/commands/zrangebylex/); the corpus tests it on equal scores.
  [2, 'zpopmin', (r) => ['ZPOPMIN', key(r), ...(r.int(2) === 0 ? [pick(r, ['0', '1', '3', '-1'])] : [])]],
  [1, 'zpopmax', (r) => ['ZPOPMAX', key(r)]],
  [1, 'zremrangebyscore', (r) => ['ZREMRANGEBYSCORE', key(r), pick(r, RANGE_BOUNDS), pick(r, RANGE_BOUNDS)]],
  [1, 'zremrangebyrank', (r) => ['ZREMRANGEBYRANK', key(r), pick(r, LIST_INDEXES), pick(r, LIST_INDEXES)]],
  [1, 'zunionstore', (r) => ['ZUNIONSTORE', key(r), '2', key(r), key(r), ...(r.int(2) === 0 ? ['AGGREGATE', pick(r, ['SUM', 'MIN', 'MAX'])] : [])]],
  [1, 'zinterstore', (r) => ['ZINTERSTORE', key(r), '2', key(r), key(r)]],
];

const ALL_BUILDERS: ReadonlyArray<[number, string, Builder]> = [...BUILDERS, ...DATA_TYPE_BUILDERS];

export const GENERATED_COMMANDS: readonly string[] = [...new Set(ALL_BUILDERS.map(([, name]) => name))];

/**
 * A seeded stream of commands over a few keys. `only` limits it to some command names (to run
 * against what is implemented so far); the choice among them keeps the listed weights.
 */
export class CommandGenerator {
  readonly #random: Random;
  readonly #builders: ReadonlyArray<[number, string, Builder]>;
  readonly #totalWeight: number;

  constructor(random: Random, only?: ReadonlySet<string>) {
    this.#random = random;
    this.#builders = only === undefined ? ALL_BUILDERS : ALL_BUILDERS.filter(([, name]) => only.has(name));
    if (this.#builders.length === 0) throw new Error('no commands left to generate');
    this.#totalWeight = this.#builders.reduce((sum, [weight]) => sum + weight, 0);
  }

  next(): GeneratedCommand {
    let roll = this.#random.int(this.#totalWeight);
    for (const [weight, , build] of this.#builders) {
      if (roll < weight) {
        const built = build(this.#random);
        return Array.isArray(built) ? { argv: built, comparison: exact } : built;
      }
      roll -= weight;
    }
    throw new Error('unreachable: weights cover the roll');
  }
}

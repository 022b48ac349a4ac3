import { globMatch } from '../keyspace/glob.js';
import { Errors, ReplyError } from '../lib/errors.js';
import { isOption, parseInt64 } from './parse.js';

/** Arguments of the SCAN family (SCAN, HSCAN, SSCAN, ZSCAN): the cursor and the options. */

/**
 * A SCAN cursor with C strtoul's rules, as Redis parses it: optional leading '+' or '-' (which
 * negates), decimal digits, nothing after; "" is 0. A leading space or an overflow is an error.
 * Returns the cursor as a bigint (a negative one wraps around, as unsigned long does).
 */
export function parseScanCursor(text: string): bigint {
  const invalid = () => new ReplyError('ERR invalid cursor');
  if (text.length === 0) return 0n;
  if (/^[ \t\n\v\f\r]/.test(text)) throw invalid();
  const match = /^([+-]?)(\d+)$/.exec(text);
  if (match === null) {
    // strtoul takes a bare sign as "no number": eptr then points at the sign itself.
    throw invalid();
  }
  const magnitude = BigInt(match[2] as string);
  const ULONG_MAX = 18446744073709551615n;
  if (magnitude > ULONG_MAX) throw invalid();
  return match[1] === '-' ? (ULONG_MAX + 1n - magnitude) & ULONG_MAX : magnitude;
}

/** HSCAN / SSCAN options (Redis's scanGenericCommand for a container). */
export interface ContainerScanOptions {
  count: number;
  /** undefined: no filter (also for a lone '*'). */
  pattern: string | undefined;
  /** SCAN's TYPE filter, lowercase (only when parsed with allowType). */
  typeName?: string;
}

/**
 * Parses `[MATCH pattern] [COUNT count]` (and SCAN's `[TYPE type]` with allowType) from
 * argv[from...], with Redis's errors: scanGenericCommand's option loop, shared by SCAN, HSCAN,
 * SSCAN.
 */
export function parseContainerScanOptions(argv: readonly string[], from: number, allowType = false): ContainerScanOptions {
  let count = 10;
  let pattern: string | undefined;
  let typeName: string | undefined;
  for (let i = from; i < argv.length; i++) {
    const arg = argv[i] as string;
    const hasValue = i + 1 < argv.length;
    if (allowType && isOption(arg, 'type') && hasValue) {
      typeName = (argv[++i] as string).toLowerCase();
    } else if (isOption(arg, 'count') && hasValue) {
      const parsed = parseInt64(argv[++i] as string);
      if (parsed < 1n) throw new ReplyError(Errors.syntax);
      count = parsed > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(parsed);
    } else if (isOption(arg, 'match') && hasValue) {
      pattern = argv[++i] as string;
      if (pattern === '*') pattern = undefined;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  return typeName === undefined ? { count, pattern } : { count, pattern, typeName };
}

export function matchesScanPattern(options: ContainerScanOptions, text: string): boolean {
  return options.pattern === undefined || globMatch(options.pattern, text);
}

/** A cursor Tessera hands out is a slot count; anything larger starts over from the top. */
export function containerCursor(cursor: bigint): number {
  return cursor > BigInt(Number.MAX_SAFE_INTEGER) ? 0 : Number(cursor);
}

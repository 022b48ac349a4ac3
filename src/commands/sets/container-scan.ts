import { globMatch } from '../../keyspace/glob.js';
import { Errors, ReplyError } from '../../lib/errors.js';
import { isOption, parseInt64 } from '../parse.js';

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

import { globMatch } from '../../keyspace/glob.js';
import { Errors, ReplyError } from '../../lib/errors.js';
import { isOption, parseInt64 } from '../parse.js';

/** HSCAN / SSCAN options (Redis's scanGenericCommand for a container). */
export interface ContainerScanOptions {
  count: number;
  /** undefined: no filter (also for a lone '*'). */
  pattern: string | undefined;
}

/** Parses `[MATCH pattern] [COUNT count]` from argv[from...], with Redis's errors. */
export function parseContainerScanOptions(argv: readonly string[], from: number): ContainerScanOptions {
  let count = 10;
  let pattern: string | undefined;
  for (let i = from; i < argv.length; i++) {
    const arg = argv[i] as string;
    const hasValue = i + 1 < argv.length;
    if (isOption(arg, 'count') && hasValue) {
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
  return { count, pattern };
}

export function matchesScanPattern(options: ContainerScanOptions, text: string): boolean {
  return options.pattern === undefined || globMatch(options.pattern, text);
}

/** A cursor Tessera hands out is a slot count; anything larger starts over from the top. */
export function containerCursor(cursor: bigint): number {
  return cursor > BigInt(Number.MAX_SAFE_INTEGER) ? 0 : Number(cursor);
}

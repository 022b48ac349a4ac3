import { DirectiveError, quoteRepr, type Directive } from './directive.js';

/**
 * Builders for the value kinds of Redis's standardConfig table (src/config.c, 7.0): bool,
 * numeric (integer, octal, memory, memory-or-percent), enum and string. Error texts are Redis's.
 */

export interface Common {
  aliases?: readonly string[];
  /** Default true, as most of Redis's table is MODIFIABLE_CONFIG. */
  mutable?: boolean;
  protectedConfig?: boolean;
  implemented?: boolean;
  note?: string;
  /** Redis's HIDDEN_CONFIG: CONFIG GET with a pattern skips it (the exact name still works). */
  hidden?: boolean;
}

function base(name: string, options: Common) {
  return {
    name,
    aliases: options.aliases ?? [],
    mutable: options.mutable ?? true,
    protectedConfig: options.protectedConfig ?? false,
    implemented: options.implemented ?? false,
    multiArg: false,
    note: options.note,
    hidden: options.hidden,
  };
}

export function boolDirective(name: string, defaultValue: boolean, options: Common & { validate?: (value: string) => string | null } = {}): Directive {
  return {
    ...base(name, options),
    kind: 'yes, no',
    defaultValue: defaultValue ? 'yes' : 'no',
    parse([value]) {
      const lower = (value ?? '').toLowerCase();
      if (lower === 'yes' || lower === 'no') {
        const problem = options.validate?.(lower) ?? null;
        if (problem !== null) throw new DirectiveError(problem);
        return lower;
      }
      throw new DirectiveError("argument must be 'yes' or 'no'");
    },
    rewriteLines: (value) => [value],
  };
}

export const INT_MIN = -2147483648n;
export const INT_MAX = 2147483647n;
export const UINT_MAX = 4294967295n;
export const LONG_MAX = 9223372036854775807n;
export const LLONG_MIN = -9223372036854775808n;
export const ULLONG_MAX = 18446744073709551615n;

/** Redis's string2ll: optional '-', no '+', no leading zeros, no spaces, fits in 64 bits. */
export function parseStrictInt64(value: string): bigint | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(value)) return null;
  const n = BigInt(value);
  return n < LLONG_MIN || n > LONG_MAX ? null : n;
}

const memoryUnits = new Map<string, bigint>([
  ['', 1n],
  ['b', 1n],
  ['k', 1000n],
  ['kb', 1024n],
  ['m', 1000n * 1000n],
  ['mb', 1024n * 1024n],
  ['g', 1000n * 1000n * 1000n],
  ['gb', 1024n * 1024n * 1024n],
]);

/** Redis's memtoull: digits then an optional unit (b k kb m mb g gb, any case); null when bad. */
export function parseMemory(value: string): bigint | null {
  const match = /^([0-9]*)([^0-9]*)$/.exec(value);
  if (!match) return null;
  const unit = memoryUnits.get((match[2] as string).toLowerCase());
  if (unit === undefined) return null;
  const digits = match[1] as string;
  const number = digits === '' ? 0n : BigInt(digits);
  return (number > ULLONG_MAX ? ULLONG_MAX : number) * unit;
}

/** rewriteConfigFormatMemory: the largest unit that divides the value exactly. */
export function formatMemory(bytes: bigint): string {
  const gb = 1024n * 1024n * 1024n;
  if (bytes !== 0n && bytes % gb === 0n) return `${bytes / gb}gb`;
  if (bytes !== 0n && bytes % (1024n * 1024n) === 0n) return `${bytes / (1024n * 1024n)}mb`;
  if (bytes !== 0n && bytes % 1024n === 0n) return `${bytes / 1024n}kb`;
  return String(bytes);
}

export type NumericFormat = 'integer' | 'octal' | 'memory' | 'memory-percent';

export interface NumericOptions extends Common {
  format?: NumericFormat;
  /** Unsigned C types: negative input wraps around and fails the range check (as in Redis). */
  unsigned?: boolean;
  /** What Redis's apply function does to an accepted value (hz is clamped to 1..500...). */
  adjust?: (value: bigint, fromFile: boolean) => bigint;
}

/** createIntConfig / createLongLongConfig / createSizeTConfig... with their bounds. */
export function numericDirective(name: string, defaultValue: bigint, min: bigint, max: bigint, options: NumericOptions = {}): Directive {
  const format = options.format ?? 'integer';
  const print = (n: bigint) => (format === 'octal' ? n.toString(8) : format === 'memory-percent' && n < 0n ? `${-n}%` : String(n));
  return {
    ...base(name, options),
    kind: format === 'integer' ? `integer ${min}..${max}` : format === 'octal' ? 'octal' : format === 'memory' ? 'memory (1k, 1kb, 1mb, 1gb)' : 'memory or percent',
    defaultValue: print(defaultValue),
    parse([value = ''], context) {
      let n: bigint | null;
      if (format === 'octal') {
        n = /^[0-7]+$/.test(value) ? BigInt('0o' + value) : null;
        if (n === null) throw new DirectiveError("argument couldn't be parsed as an octal number");
      } else if (format === 'integer') {
        n = parseStrictInt64(value);
        if (n === null) throw new DirectiveError("argument couldn't be parsed into an integer");
      } else {
        n = parseMemory(value);
        // memtoull saturates at ULLONG_MAX and the product wraps; signed types read it as int64.
        if (n !== null) n = options.unsigned ? BigInt.asUintN(64, n) : BigInt.asIntN(64, BigInt.asUintN(64, n));
        if (n === null && format === 'memory-percent' && value.length > 1 && value.endsWith('%')) {
          const percent = parseStrictInt64(value.slice(0, -1));
          if (percent !== null && percent >= 0n) n = -percent;
        }
        if (n === null) throw new DirectiveError(format === 'memory' ? 'argument must be a memory value' : 'argument must be a memory or percent value');
      }
      if (format === 'memory-percent' && n < 0n) {
        if (n < min) throw new DirectiveError(`percentage argument must be less or equal to ${-min}`);
        return print(n);
      }
      // Unsigned C types see a negative number as a huge one (numericBoundaryCheck).
      const checked = options.unsigned && n < 0n ? n + ULLONG_MAX + 1n : n;
      if (checked < min || checked > max) {
        const show = (b: bigint) => (format === 'octal' ? b.toString(8) : String(b));
        throw new DirectiveError(`argument must be between ${show(min)} and ${show(max)} inclusive`);
      }
      return print(options.adjust ? options.adjust(checked, context.fromFile) : checked);
    },
    rewriteLines(value) {
      if (format === 'memory' || (format === 'memory-percent' && !value.endsWith('%'))) return [formatMemory(BigInt(value))];
      return [value];
    },
  };
}

export function enumDirective(name: string, defaultValue: string, values: readonly string[], options: Common & { multiFlag?: boolean } = {}): Directive {
  const reason = `argument(s) must be one of the following: ${values.join(', ')}`;
  return {
    ...base(name, options),
    multiArg: options.multiFlag ?? false,
    kind: values.join(', '),
    defaultValue,
    parse(args) {
      // Flag enums (shutdown-on-sigterm "save now") take several words; others exactly one.
      const words = args.map((word) => word.toLowerCase());
      if (words.length === 0 || words.some((word) => !values.includes(word))) throw new DirectiveError(reason);
      if (!options.multiFlag) return words[0] as string;
      // Flags are OR-ed: the first value is the zero flag ('default'), shown only when alone.
      const flags = values.slice(1).filter((value) => words.includes(value));
      return flags.length === 0 ? (values[0] as string) : flags.join(' ');
    },
    rewriteLines: (value) => [value],
  };
}

export interface StringOptions extends Common {
  /** Extra check (dbfilename may not be a path...): returns Redis's reason, or null. */
  validate?: (value: string) => string | null;
}

export function stringDirective(name: string, defaultValue: string, options: StringOptions = {}): Directive {
  return {
    ...base(name, options),
    kind: 'string',
    defaultValue,
    parse([value = '']) {
      const problem = options.validate?.(value) ?? null;
      if (problem !== null) throw new DirectiveError(problem);
      return value;
    },
    rewriteLines: (value) => [quoteRepr(value)],
  };
}

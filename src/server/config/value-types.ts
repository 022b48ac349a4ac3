import { DirectiveError, type Directive } from './directive.js';

/** Builders for the value kinds of Redis's config table (bool, numeric, memory, enum, string). */

interface Common {
  aliases?: readonly string[];
  mutable?: boolean;
  implemented?: boolean;
}

export function boolDirective(name: string, defaultValue: boolean, options: Common = {}): Directive {
  return {
    name,
    aliases: options.aliases,
    defaultValue: defaultValue ? 'yes' : 'no',
    mutable: options.mutable ?? true,
    implemented: options.implemented ?? false,
    normalize(value) {
      const lower = value.toLowerCase();
      if (lower === 'yes') return 'yes';
      if (lower === 'no') return 'no';
      throw new DirectiveError("argument must be 'yes' or 'no'");
    },
  };
}

export function intDirective(name: string, defaultValue: number, min: number, max: number, options: Common = {}): Directive {
  return {
    name,
    aliases: options.aliases,
    defaultValue: String(defaultValue),
    mutable: options.mutable ?? true,
    implemented: options.implemented ?? false,
    normalize(value) {
      if (!/^-?\d+$/.test(value)) throw new DirectiveError('argument couldn\'t be parsed into an integer');
      const n = Number(value);
      if (n < min || n > max) throw new DirectiveError(`argument must be between ${min} and ${max} inclusive`);
      return String(n);
    },
  };
}

const memoryUnits: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 * 1000,
  mb: 1024 * 1024,
  g: 1000 * 1000 * 1000,
  gb: 1024 * 1024 * 1024,
};

/** Redis's memtoull: a number with an optional unit (k kb m mb g gb, any case). */
export function parseMemory(value: string): number | null {
  const match = /^(-?\d+)([a-zA-Z]*)$/.exec(value);
  if (!match) return null;
  const unit = memoryUnits[(match[2] as string).toLowerCase()];
  if (unit === undefined) return null;
  return Number(match[1]) * unit;
}

export function memoryDirective(name: string, defaultBytes: number, min: number, max: number, options: Common = {}): Directive {
  return {
    name,
    aliases: options.aliases,
    defaultValue: String(defaultBytes),
    mutable: options.mutable ?? true,
    implemented: options.implemented ?? false,
    normalize(value) {
      const bytes = parseMemory(value);
      if (bytes === null) throw new DirectiveError('argument must be a memory value');
      if (bytes < min || bytes > max) throw new DirectiveError(`argument must be between ${min} and ${max} inclusive`);
      return String(bytes);
    },
  };
}

export function enumDirective(name: string, defaultValue: string, values: readonly string[], options: Common = {}): Directive {
  return {
    name,
    aliases: options.aliases,
    defaultValue,
    mutable: options.mutable ?? true,
    implemented: options.implemented ?? false,
    normalize(value) {
      const lower = value.toLowerCase();
      if (!values.includes(lower)) throw new DirectiveError(`argument(s) must be one of the following: ${values.join(', ')}`);
      return lower;
    },
  };
}

export function stringDirective(name: string, defaultValue: string, options: Common = {}): Directive {
  return {
    name,
    aliases: options.aliases,
    defaultValue,
    mutable: options.mutable ?? true,
    implemented: options.implemented ?? false,
    normalize: (value) => value,
  };
}

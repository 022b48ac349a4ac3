import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { DirectiveError, quoteRepr, type Directive } from './directive.js';
import { formatMemory, parseMemory } from './value-types.js';

/**
 * Redis's "special" configs (createSpecialConfig in src/config.c): values with their own
 * syntax. Each keeps Redis's canonical CONFIG GET text and its error texts.
 */

function special(name: string, defaultValue: string, kind: string, rest: Partial<Directive> & Pick<Directive, 'parse' | 'rewriteLines'>): Directive {
  return { name, aliases: [], defaultValue, kind, mutable: true, protectedConfig: false, implemented: false, multiArg: true, ...rest };
}

/** An empty value: `save ""` in the file, or CONFIG SET save "". */
function isEmpty(args: readonly string[]): boolean {
  return args.length === 0 || (args.length === 1 && args[0] === '');
}

/** save: pairs of "seconds changes"; lines in a file accumulate, CONFIG SET replaces. */
export const saveDirective: Directive = special('save', '3600 1 300 100 60 10000', 'save points: seconds changes ...', {
  implemented: true,
  parse(args, context) {
    if (isEmpty(args)) return '';
    if (args.length % 2 !== 0) throw new DirectiveError('Invalid save parameters');
    for (let i = 0; i < args.length; i++) {
      const word = args[i] as string;
      // strtoll with a full-string check: a sign is allowed, seconds >= 1, changes >= 0.
      if (!/^[+-]?[0-9]+$/.test(word.trim()) || word !== word.trimStart()) throw new DirectiveError('Invalid save parameters');
      const n = Number(word);
      if ((i % 2 === 0 && n < 1) || (i % 2 === 1 && n < 0)) throw new DirectiveError('Invalid save parameters');
    }
    const pairs = args.map((word) => String(Number(word))).join(' ');
    // The first save line in a file replaces the default; later ones add points.
    if (context.fromFile && context.seenInFile && context.current !== '') return `${context.current} ${pairs}`;
    return pairs;
  },
  rewriteLines(value) {
    if (value === '') return ['""'];
    const words = value.split(' ');
    const lines: string[] = [];
    for (let i = 0; i + 1 < words.length; i += 2) lines.push(`${words[i]} ${words[i + 1]}`);
    return lines;
  },
});

const bufferClasses = ['normal', 'slave', 'pubsub'] as const;

/** client-output-buffer-limit: "<class> <hard> <soft> <soft-seconds>" groups; updates only the named classes. */
export const clientOutputBufferLimitDirective: Directive = special(
  'client-output-buffer-limit',
  'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
  '<class> <hard> <soft> <seconds> ...',
  {
    parse(args, context) {
      if (args.length % 4 !== 0) throw new DirectiveError('Wrong number of arguments in buffer limit configuration.');
      const current = parseBufferLimits(context.current);
      for (let i = 0; i < args.length; i += 4) {
        const name = (args[i] as string).toLowerCase();
        const cls = name === 'replica' ? 'slave' : name;
        if (!(bufferClasses as readonly string[]).includes(cls)) throw new DirectiveError('Invalid client class specified in buffer limit configuration.');
        const hard = parseMemory(args[i + 1] as string);
        const soft = parseMemory(args[i + 2] as string);
        const seconds = args[i + 3] as string;
        if (hard === null || soft === null || !/^[+-]?[0-9]+$/.test(seconds) || Number(seconds) < 0) {
          throw new DirectiveError('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
        }
        current.set(cls, [String(hard), String(soft), String(Number(seconds))]);
      }
      return bufferClasses.map((cls) => `${cls} ${(current.get(cls) as string[]).join(' ')}`).join(' ');
    },
    rewriteLines(value) {
      const defaults = parseBufferLimits(clientOutputBufferLimitDirective.defaultValue);
      const lines: string[] = [];
      for (const [cls, limits] of parseBufferLimits(value)) {
        if ((defaults.get(cls) as string[]).join(' ') === limits.join(' ')) continue;
        lines.push(`${cls} ${formatMemory(BigInt(limits[0] as string))} ${formatMemory(BigInt(limits[1] as string))} ${limits[2]}`);
      }
      return lines;
    },
  },
);

function parseBufferLimits(value: string): Map<string, string[]> {
  const words = value.split(' ');
  const out = new Map<string, string[]>();
  for (let i = 0; i + 3 < words.length; i += 4) out.set(words[i] as string, words.slice(i + 1, i + 4));
  return out;
}

/** oom-score-adj-values: three integers in -2000..2000 (master, replica, background child). */
export const oomScoreAdjValuesDirective: Directive = special('oom-score-adj-values', '0 200 800', '<master> <replica> <bgchild>', {
  parse(args) {
    if (args.length !== 3) throw new DirectiveError('wrong number of arguments');
    const values = args.map((word) => (/^[+-]?[0-9]+$/.test(word) ? Number(word) : NaN));
    if (values.some((n) => !(n >= -2000 && n <= 2000))) throw new DirectiveError('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
    return values.join(' ');
  },
  rewriteLines: (value) => [value],
});

/** Event classes in the order keyspaceEventsFlagsToString prints them. */
const eventClasses = ['g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd', 'n'];
/** NOTIFY_ALL: what 'A' stands for (not m, not n). */
const allClasses = ['g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd'];

/** notify-keyspace-events: a set of class letters, printed in Redis's order. */
export const notifyKeyspaceEventsDirective: Directive = special('notify-keyspace-events', '', 'event class letters (Ag$lshzxeKEtmdn)', {
  multiArg: false,
  parse([value = '']) {
    const flags = new Set<string>();
    for (const c of value) {
      if (c === 'A') for (const cls of allClasses) flags.add(cls);
      else if ('g$lshzxeKEtmdn'.includes(c)) flags.add(c);
      else throw new DirectiveError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
    }
    // Like keyspaceEventsFlagsToString: 'A' hides the other classes (even 'n', which A lacks).
    let out = allClasses.every((cls) => flags.has(cls)) ? 'A' : eventClasses.filter((cls) => flags.has(cls)).join('');
    for (const c of ['K', 'E', 'm']) if (flags.has(c)) out += c;
    return out;
  },
  rewriteLines: (value) => [quoteRepr(value)],
});

/** bind: up to 16 addresses; a leading '-' marks an address that may be missing. */
export const bindDirective: Directive = special('bind', '* -::*', 'addresses', {
  implemented: true,
  note: 'CONFIG SET stores it; the listeners move at the next start',
  parse(args) {
    if (isEmpty(args)) return '';
    if (args.length > 16) throw new DirectiveError('Too many bind addresses specified.');
    return args.join(' ');
  },
  rewriteLines: (value) => [value === '' ? '""' : value],
});

/** replicaof / slaveof: "<host> <port>" or "no one"; CONFIG SET refuses it (use REPLICAOF). */
export const replicaofDirective: Directive = special('replicaof', '', '<host> <port> | no one', {
  aliases: ['slaveof'],
  mutable: false,
  parse(args) {
    if (args.length !== 2) throw new DirectiveError('wrong number of arguments');
    const [host, port] = args as [string, string];
    if (host.toLowerCase() === 'no' && port.toLowerCase() === 'one') return '';
    if (!/^[0-9]+$/.test(port) || Number(port) > 65535) throw new DirectiveError('Invalid master port');
    return `${host} ${Number(port)}`;
  },
  rewriteLines: (value) => [value],
});

/** latency-tracking-info-percentiles: doubles in [0, 100], printed like %f with zeros trimmed. */
export const latencyPercentilesDirective: Directive = special('latency-tracking-info-percentiles', '50 99 99.9', 'percentiles', {
  alwaysRewrite: true,
  parse(args) {
    if (isEmpty(args)) return '';
    const values: number[] = [];
    for (const word of args) {
      const n = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(word) ? Number(word) : NaN;
      if (Number.isNaN(n)) throw new DirectiveError('Invalid latency-tracking-info-percentiles parameters');
      if (n < 0 || n > 100) throw new DirectiveError('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
      values.push(n);
    }
    return values.map((n) => (Object.is(n, -0) ? '-' : '') + trimDouble(n.toFixed(6))).join(' ');
  },
  rewriteLines: (value) => [value === '' ? '""' : value],
});

function trimDouble(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/**
 * dir: Redis chdir()s as soon as it reads the line; we resolve and check the directory here
 * and the CLI changes to it. CONFIG GET prints the absolute path.
 */
export const dirDirective: Directive = special('dir', '', 'directory', {
  note: 'default: the working directory at start',
  multiArg: false,
  protectedConfig: true,
  implemented: true,
  alwaysRewrite: true,
  parse([value = ''], context) {
    const path = isAbsolute(value) ? value : resolve(context.workingDir, value);
    let isDirectory = false;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new DirectiveError(code === 'EACCES' ? 'Permission denied' : 'No such file or directory');
    }
    if (!isDirectory) throw new DirectiveError('Not a directory');
    return path;
  },
  rewriteLines: (value) => [quoteRepr(value)],
});

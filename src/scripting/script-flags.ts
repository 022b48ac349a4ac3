import { ReplyError } from '../lib/errors.js';
import { splitArgs } from '../resp/split-args.js';

/**
 * Script flags (Redis 7.0's scripts_flags_def, in its order: FUNCTION LIST prints them so),
 * declared by `#!lua flags=...` on EVAL scripts or `flags={...}` in redis.register_function.
 */
export const SCRIPT_FLAG_NAMES = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'] as const;
export type ScriptFlag = (typeof SCRIPT_FLAG_NAMES)[number];
export type ScriptFlags = ReadonlySet<ScriptFlag>;

export function isScriptFlag(name: string): name is ScriptFlag {
  return (SCRIPT_FLAG_NAMES as readonly string[]).includes(name);
}

/** What an EVAL body declares: no shebang is Redis's compatibility mode (flags null). */
export interface EvalShebang {
  flags: ScriptFlags | null;
  /** Where the Lua code starts: the shebang line is cut, its newline kept (line numbers stay). */
  codeOffset: number;
}

/** Redis's evalExtractShebangFlags, with its error texts. */
export function parseEvalShebang(body: string): EvalShebang {
  if (!body.startsWith('#!')) return { flags: null, codeOffset: 0 };
  const end = body.indexOf('\n');
  if (end < 0) throw new ReplyError('ERR Invalid script shebang');
  const parts = splitArgs(body.slice(0, end));
  if (parts === null || parts.length === 0) throw new ReplyError('ERR Invalid engine in script shebang');
  if (parts[0] !== '#!lua') throw new ReplyError(`ERR Unexpected engine in script shebang: ${parts[0] as string}`);
  const flags = new Set<ScriptFlag>();
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) throw new ReplyError(`ERR Unknown lua shebang option: ${part}`);
    const list = part.slice(6);
    if (list === '') continue;
    for (const flag of list.split(',')) {
      // Case-sensitive here (strcmp), unlike register_function's flags.
      if (!isScriptFlag(flag)) throw new ReplyError(`ERR Unexpected flag in script shebang: ${flag}`);
      flags.add(flag);
    }
  }
  return { flags, codeOffset: end };
}

/** A library's `#!<engine> name=<name>` line (Redis's functionExtractLibMetaData). */
export interface LibraryMetadata {
  engine: string;
  name: string;
  /** Where the code after the shebang starts (its newline kept). */
  codeOffset: number;
}

export function parseLibraryMetadata(code: string): LibraryMetadata {
  if (!code.startsWith('#!')) throw new ReplyError('ERR Missing library metadata');
  const end = code.indexOf('\n');
  if (end < 0) throw new ReplyError('ERR Invalid library metadata');
  const parts = splitArgs(code.slice(0, end));
  if (parts === null || parts.length === 0) throw new ReplyError('ERR Invalid library metadata');
  let name: string | undefined;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== undefined) throw new ReplyError('ERR Invalid metadata value, name argument was given multiple times');
      name = part.slice(5);
      continue;
    }
    throw new ReplyError(`ERR Invalid metadata value given: ${part}`);
  }
  if (name === undefined) throw new ReplyError('ERR Library name was not given');
  return { engine: (parts[0] as string).slice(2), name, codeOffset: end };
}

/** Library and function names: [a-zA-Z0-9_]+ (Redis's functionsVerifyName). */
export function isValidFunctionName(name: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(name);
}

export const INVALID_NAME_MESSAGE = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

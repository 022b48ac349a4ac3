/**
 * One redis.conf directive: its name (and aliases), how its value is checked and printed,
 * whether CONFIG SET may change it at run time. CONFIG GET/SET/REWRITE and the file parser
 * all read this table, so a directive's rules live in exactly one place.
 */
export interface Directive {
  readonly name: string;
  /** Older names (slaveof, hash-max-ziplist-entries...): accepted everywhere, shown by CONFIG GET. */
  readonly aliases: readonly string[];
  /** The value when nothing sets it, as CONFIG GET prints it. */
  readonly defaultValue: string;
  /** False: CONFIG SET answers "can't set immutable config". */
  readonly mutable: boolean;
  /** Redis's PROTECTED_CONFIG: CONFIG SET needs enable-protected-configs (dir, dbfilename). */
  readonly protectedConfig: boolean;
  /** True when Tessera acts on it; the others are accepted, stored, and logged as ignored. */
  readonly implemented: boolean;
  /** Takes several words on one line (save, bind, client-output-buffer-limit...). */
  readonly multiArg: boolean;
  /** A caveat for docs/config-directives.md (how far Tessera follows it). */
  readonly note?: string;
  /** What kind of value, for docs/config-directives.md. */
  readonly kind: string;
  /**
   * Checks the value words (one word unless multiArg) and returns the canonical text CONFIG GET
   * prints, or throws DirectiveError with Redis's reason.
   */
  parse(args: readonly string[], context: ParseContext): string;
  /** The words after the name on a rewritten redis.conf line, one entry per line. */
  rewriteLines(value: string): string[];
  /** Redis's HIDDEN_CONFIG (test knobs): CONFIG GET patterns skip it. */
  readonly hidden?: boolean;
  /** CONFIG REWRITE writes it even when it holds the default (Redis does for dir, percentiles). */
  readonly alwaysRewrite?: boolean;
}

export interface ParseContext {
  /** The directive's value before this line or CONFIG SET. */
  readonly current: string;
  /** True while reading the config file and command line (save lines accumulate there). */
  readonly fromFile: boolean;
  /** True when an earlier line of the file already set this directive. */
  readonly seenInFile: boolean;
  /** The node's working directory as `dir` left it (relative paths resolve against it). */
  readonly workingDir: string;
}

export class DirectiveError extends Error {
  override name = 'DirectiveError';
}

/** sdscatrepr: a double-quoted string with C escapes, as Redis writes strings to redis.conf. */
export function quoteRepr(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    const code = value.charCodeAt(i);
    if (c === '\\' || c === '"') out += '\\' + c;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code === 7) out += '\\a';
    else if (code === 8) out += '\\b';
    else if (code < 32 || code > 126) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += c;
  }
  return out + '"';
}

/**
 * One redis.conf directive: its name (and aliases), how its value is checked and printed,
 * whether CONFIG SET may change it at run time. CONFIG GET/SET/REWRITE and the file parser
 * all read this table, so a directive's rules live in exactly one place.
 */
export interface Directive {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** The value when nothing sets it, as CONFIG GET prints it. */
  readonly defaultValue: string;
  /** False: CONFIG SET answers "can't set immutable config". */
  readonly mutable: boolean;
  /**
   * Validates one value as given in the file or CONFIG SET (after quoting is removed); returns
   * the canonical text CONFIG GET prints, or throws DirectiveError with Redis's reason.
   */
  normalize(value: string): string;
  /** True when Tessera acts on it; the others are accepted, stored, and logged as ignored. */
  readonly implemented: boolean;
  /** Directives that take several arguments on one line (save, client-output-buffer-limit...). */
  readonly multiArg?: boolean;
}

export class DirectiveError extends Error {
  override name = 'DirectiveError';
}

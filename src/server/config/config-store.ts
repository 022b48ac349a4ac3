import type { ConfigFacade } from '../../commands/server-facade.js';
import { globMatch } from '../../keyspace/glob.js';
import { ReplyError } from '../../lib/errors.js';
import { DirectiveError, type Directive } from './directive.js';
import { directives } from './directives.js';

/** Directive name (or alias) → directive. */
const byName = new Map<string, Directive>();
for (const directive of directives) {
  byName.set(directive.name, directive);
  for (const alias of directive.aliases ?? []) byName.set(alias, directive);
}

export function findDirective(name: string): Directive | undefined {
  return byName.get(name.toLowerCase());
}

type ChangeListener = (value: string) => void;

/**
 * The node's configuration: the current value of every directive, as CONFIG GET prints it.
 * Typed views (src/server/config/server-config.ts) read from here; listeners apply CONFIG SET
 * changes to the running node.
 */
export class ConfigStore implements ConfigFacade {
  readonly #values = new Map<string, string>();
  readonly #listeners = new Map<string, ChangeListener[]>();
  /** The config file this node started from, for CONFIG REWRITE; undefined when none. */
  configFile: string | undefined;

  constructor() {
    for (const directive of directives) this.#values.set(directive.name, directive.defaultValue);
  }

  value(name: string): string {
    const directive = findDirective(name);
    if (directive === undefined) throw new Error(`no directive ${name}`);
    return this.#values.get(directive.name) as string;
  }

  /** Sets a value at start-up (file or command line); throws DirectiveError. */
  load(name: string, value: string): void {
    const directive = findDirective(name);
    if (directive === undefined) throw new DirectiveError('Bad directive or wrong number of arguments');
    this.#values.set(directive.name, directive.normalize(value));
  }

  onChange(name: string, listener: ChangeListener): void {
    const list = this.#listeners.get(name) ?? [];
    list.push(listener);
    this.#listeners.set(name, list);
  }

  get(patterns: readonly string[]): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const seen = new Set<string>();
    for (const pattern of patterns) {
      const lower = pattern.toLowerCase();
      for (const [name, directive] of byName) {
        if (seen.has(name) || !globMatch(lower, name)) continue;
        seen.add(name);
        out.push([name, this.#values.get(directive.name) as string]);
      }
    }
    return out;
  }

  set(pairs: ReadonlyArray<readonly [string, string]>): void {
    const seen = new Set<string>();
    const planned: Array<[Directive, string]> = [];
    for (const [name, value] of pairs) {
      const directive = findDirective(name);
      if (directive === undefined) throw new ReplyError(`ERR Unknown option or number of arguments for CONFIG SET - '${name}'`);
      if (seen.has(directive.name)) throw new ReplyError(`ERR CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter`);
      seen.add(directive.name);
      if (!directive.mutable) throw new ReplyError(`ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`);
      try {
        planned.push([directive, directive.normalize(value)]);
      } catch (error) {
        if (error instanceof DirectiveError) throw new ReplyError(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${error.message}`);
        throw error;
      }
    }
    for (const [directive, value] of planned) {
      this.#values.set(directive.name, value);
      for (const listener of this.#listeners.get(directive.name) ?? []) listener(value);
    }
  }

  rewrite(): void {
    if (this.configFile === undefined) throw new ReplyError('ERR The server is running without a config file');
    throw new ReplyError('ERR Rewriting config file: not supported yet');
  }

  /** Directives set to a non-default value that Tessera does not act on (logged at start). */
  ignoredDirectives(): string[] {
    return directives.filter((d) => !d.implemented && this.#values.get(d.name) !== d.defaultValue).map((d) => d.name);
  }
}

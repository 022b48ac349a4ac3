import { createHash } from 'node:crypto';
import type { ConfigFacade, ConfigSetOptions } from '../../commands/server-facade.js';
import { globMatch } from '../../keyspace/glob.js';
import { ReplyError } from '../../lib/errors.js';
import { rewriteConfigFile } from './config-rewrite.js';
import { DirectiveError, type Directive } from './directive.js';
import { directives } from './directives.js';

/** Directive name (or alias) → directive. */
const byName = new Map<string, Directive>();
for (const directive of directives) {
  byName.set(directive.name, directive);
  for (const alias of directive.aliases) byName.set(alias, directive);
}

export function findDirective(name: string): Directive | undefined {
  return byName.get(name.toLowerCase());
}

type ChangeListener = (value: string) => void;

/** A loader line Tessera keeps but does not act on (rename-command, user, loadmodule). */
export interface LoaderLine {
  readonly directive: string;
  readonly args: readonly string[];
}

/** CONFIG SET splits multi-word values on single spaces (sdssplitlen), keeping empty words. */
function splitSetValue(directive: Directive, value: string): string[] {
  if (!directive.multiArg) return [value];
  return value === '' ? [] : value.split(' ');
}

/**
 * The node's configuration: the current value of every directive, as CONFIG GET prints it.
 * Listeners (config.onChange) apply CONFIG SET changes to the running node.
 */
export class ConfigStore implements ConfigFacade {
  readonly #values = new Map<string, string>();
  readonly #listeners = new Map<string, ChangeListener[]>();
  /** Directives already set by an earlier line of the file (save lines accumulate). */
  readonly #seenInFile = new Set<string>();
  /** The config file this node started from (absolute), for CONFIG REWRITE; undefined when none. */
  configFile: string | undefined;
  /** rename-command / user / loadmodule lines: accepted, kept, not acted on yet. */
  readonly loaderLines: LoaderLine[] = [];

  constructor() {
    for (const directive of directives) this.#values.set(directive.name, directive.defaultValue);
    // Redis's dir is its working directory: CONFIG GET prints it even when no line set it.
    this.#values.set('dir', process.cwd());
  }

  readonly #numbers = new Map<string, number>();
  /** Bumped on every change of any value: lets hot paths cache what they derive from the config. */
  #generation = 0;

  get generation(): number {
    return this.#generation;
  }

  number(name: string): number {
    let cached = this.#numbers.get(name);
    if (cached === undefined) {
      cached = Number(this.value(name));
      this.#numbers.set(name, cached);
    }
    return cached;
  }

  value(name: string): string {
    const directive = findDirective(name);
    if (directive === undefined) throw new Error(`no directive ${name}`);
    return this.#values.get(directive.name) as string;
  }

  /**
   * Applies one config-file line (`name arg...`, name already known to be a directive) at start-up;
   * throws DirectiveError with Redis's reason.
   */
  loadLine(directive: Directive, args: readonly string[]): void {
    if ((!directive.multiArg && args.length !== 1) || (directive.multiArg && args.length < 1)) throw new DirectiveError('wrong number of arguments');
    // A multi-word directive given as one quoted word is split on spaces ("save '900 1 300 10'").
    const words = directive.multiArg && args.length === 1 && args[0] !== '' ? (args[0] as string).split(' ') : args;
    const value = directive.parse(words, {
      current: this.#values.get(directive.name) as string,
      fromFile: true,
      seenInFile: this.#seenInFile.has(directive.name),
      workingDir: this.#values.get('dir') as string,
    });
    this.#seenInFile.add(directive.name);
    this.#values.set(directive.name, value);
    this.#numbers.clear();
    this.#generation++;
  }

  onChange(name: string, listener: ChangeListener): void {
    const list = this.#listeners.get(name) ?? [];
    list.push(listener);
    this.#listeners.set(name, list);
  }

  /**
   * CONFIG GET: a pattern without glob characters is looked up directly and answered under the
   * name as asked; a glob matches every name and alias, case-insensitively.
   */
  get(patterns: readonly string[]): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const seen = new Set<string>();
    for (const pattern of patterns) {
      if (!/[[*?]/.test(pattern)) {
        const directive = findDirective(pattern);
        // Redis's match dict compares names case-insensitively; the reply keeps the asked case.
        if (directive === undefined || seen.has(pattern.toLowerCase())) continue;
        seen.add(pattern.toLowerCase());
        out.push([pattern, this.#values.get(directive.name) as string]);
        continue;
      }
      for (const [name, directive] of byName) {
        if (seen.has(name) || directive.hidden === true || !globMatch(pattern, name, true)) continue;
        seen.add(name);
        out.push([name, this.#values.get(directive.name) as string]);
      }
    }
    return out;
  }

  /** CONFIG SET: all or nothing, with Redis's checks in Redis's order (configSetCommand). */
  set(pairs: ReadonlyArray<readonly [string, string]>, options: ConfigSetOptions = {}): void {
    let unknownName: string | undefined;
    let failure: { name: string; reason: string } | undefined;
    const planned: Array<[Directive, string, string]> = [];
    // Redis registers an alias as its own entry: 'slave-read-only' and 'replica-read-only' in one
    // CONFIG SET are not duplicates of each other, 'hz' and 'HZ' are.
    const chosen = new Set<string>();
    for (const [name, value] of pairs) {
      const directive = findDirective(name);
      if (directive === undefined) {
        if (failure === undefined && unknownName === undefined) unknownName = name;
        continue;
      }
      if (failure !== undefined || unknownName !== undefined) continue;
      if (!directive.mutable || (directive.protectedConfig && !this.#protectedAllowed(options))) {
        failure = { name, reason: directive.mutable ? "can't set protected config" : "can't set immutable config" };
        continue;
      }
      if (chosen.has(name.toLowerCase())) {
        failure = { name, reason: 'duplicate parameter' };
        continue;
      }
      chosen.add(name.toLowerCase());
      planned.push([directive, name, value]);
    }
    if (unknownName !== undefined) throw new ReplyError(`ERR Unknown option or number of arguments for CONFIG SET - '${unknownName}'`);
    if (failure !== undefined) throw configSetFailed(failure.name, failure.reason);

    const next: Array<[Directive, string]> = [];
    for (const [directive, name, value] of planned) {
      try {
        const parsed = directive.parse(splitSetValue(directive, value), {
          current: this.#values.get(directive.name) as string,
          fromFile: false,
          seenInFile: false,
          workingDir: this.#values.get('dir') as string,
        });
        next.push([directive, parsed]);
      } catch (error) {
        if (error instanceof DirectiveError) throw configSetFailed(name, error.message);
        throw error;
      }
    }
    for (const [directive, value] of next) {
      this.#values.set(directive.name, value);
      this.#numbers.clear();
      this.#generation++;
      for (const listener of this.#listeners.get(directive.name) ?? []) listener(value);
    }
  }

  #protectedAllowed(options: ConfigSetOptions): boolean {
    const policy = this.#values.get('enable-protected-configs');
    return policy === 'yes' || (policy === 'local' && options.localClient === true);
  }

  /** CONFIG REWRITE: the config file with changed directives updated in place (atomic write). */
  rewrite(): void {
    if (this.configFile === undefined) throw new ReplyError('ERR The server is running without a config file');
    try {
      rewriteConfigFile(this.configFile, this, findDirective);
    } catch (error) {
      throw new ReplyError(`ERR Rewriting config file: ${(error as Error).message}`);
    }
  }

  /** Every directive with its current value, in table order (CONFIG REWRITE walks this). */
  entries(): Array<[Directive, string]> {
    return directives.map((directive) => [directive, this.#values.get(directive.name) as string]);
  }

  /** ACL LIST's line for the default user (requirepass is its only password until ACLs land). */
  defaultUserLine(): string {
    const password = this.#values.get('requirepass') as string;
    const auth = password === '' ? 'nopass' : `#${createHash('sha256').update(password, 'latin1').digest('hex')}`;
    return `default on ${auth} ~* &* +@all`;
  }

  /** Directives set to a non-default value that Tessera does not act on (logged at start). */
  ignoredDirectives(): string[] {
    const names = directives.filter((d) => !d.implemented && this.#values.get(d.name) !== d.defaultValue).map((d) => d.name);
    for (const line of this.loaderLines) {
      // The default user as CONFIG REWRITE writes it changes nothing.
      if (line.directive === 'user' && line.args.join(' ') === this.defaultUserLine()) continue;
      if (!names.includes(line.directive)) names.push(line.directive);
    }
    return names;
  }
}

function configSetFailed(name: string, reason: string): ReplyError {
  return new ReplyError(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`);
}

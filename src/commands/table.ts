import { assert } from '../lib/assert.js';
import type { CommandDefinition, CommandHandler } from './context.js';
import type { CommandRegistry, CommandStats } from './server-facade.js';
import { parseCommandSpec, subcommandDocsTree, subcommandInfoTrees, type CommandSpec } from './spec.js';
import type { SpecTree } from './spec-tree.js';
import generated from './generated/redis-commands.json' with { type: 'json' };

/** A command Tessera serves: Redis's spec, our handler, and its counters. */
export interface Command {
  readonly spec: CommandSpec;
  readonly handler: CommandHandler | undefined;
  /** Container commands (CONFIG, CLIENT...): subcommands by lowercase name. */
  readonly subcommands: ReadonlyMap<string, Command> | undefined;
  readonly parent: Command | undefined;
  readonly stats: CommandStats;
}

interface GeneratedEntry {
  info: SpecTree;
  docs: SpecTree;
}
const redisCommands = (generated as unknown as { commands: Record<string, GeneratedEntry> }).commands;

/** Slots of CommandTable's cache of recently looked-up names (a power of two). */
const RECENT_NAME_SLOTS = 64;

/** The command table: built once from the handler groups, looked up per request. */
export class CommandTable implements CommandRegistry {
  readonly #byName = new Map<string, Command>();
  readonly #byUpperName = new Map<string, Command>();

  constructor(definitions: readonly CommandDefinition[]) {
    for (const definition of definitions) {
      const entry = redisCommands[definition.name];
      assert(entry !== undefined, `command '${definition.name}' has a Redis 7.0 spec`);
      assert(!this.#byName.has(definition.name), `command '${definition.name}' defined once`);
      this.#byName.set(definition.name, buildCommand(definition, entry.info, entry.docs, undefined));
    }
    // Clients send names in either case (redis-benchmark: upper); both hit without allocating.
    for (const [name, command] of [...this.#byName]) this.#byUpperName.set(name.toUpperCase(), command);
  }

  /**
   * The last names looked up, by (length, first and last char): a request's name is a fresh
   * string, so a Map lookup hashes it every time; comparing it with the cached spelling (a few
   * chars) is cheaper (in-process: ~3.6% of a pipelined GET's time was this lookup).
   */
  readonly #recentNames: Array<string | undefined> = new Array<string | undefined>(RECENT_NAME_SLOTS).fill(undefined);
  readonly #recentCommands: Array<Command | undefined> = new Array<Command | undefined>(RECENT_NAME_SLOTS).fill(undefined);

  /** Looks up by name as sent (any case). */
  lookup(name: string): Command | undefined {
    const length = name.length;
    if (length === 0) return undefined;
    const first = name.charCodeAt(0);
    const slot = (length * 31 + first * 7 + name.charCodeAt(length - 1)) & (RECENT_NAME_SLOTS - 1);
    if (this.#recentNames[slot] === name) return this.#recentCommands[slot];
    // Try the spelling's own case first: clients send all-upper (redis-benchmark) or all-lower.
    const direct = first >= 65 && first <= 90 ? this.#byUpperName.get(name) : this.#byName.get(name);
    const command = direct ?? this.#byName.get(name.toLowerCase());
    if (command !== undefined) {
      this.#recentNames[slot] = name;
      this.#recentCommands[slot] = command;
    }
    return command;
  }

  all(): IterableIterator<Command> {
    return this.#byName.values();
  }

  get size(): number {
    return this.#byName.size;
  }
}

function buildCommand(definition: CommandDefinition, info: SpecTree, docs: SpecTree, parent: Command | undefined): Command {
  const spec = parseCommandSpec(info, docs);
  const stats: CommandStats = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };
  const subcommands = definition.subcommands ? new Map<string, Command>() : undefined;
  const command: Command = { spec, handler: definition.handler, subcommands, parent, stats };
  if (definition.subcommands && subcommands) {
    const subInfos = subcommandInfoTrees(info);
    for (const sub of definition.subcommands) {
      const fullName = `${definition.name}|${sub.name}`;
      const subInfo = subInfos.find((tree) => Array.isArray(tree) && tree[0] === fullName);
      assert(subInfo !== undefined, `subcommand '${fullName}' has a Redis 7.0 spec`);
      subcommands.set(sub.name, buildCommand(sub, subInfo, subcommandDocsTree(docs, fullName), command));
    }
  }
  return command;
}

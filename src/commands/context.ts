import type { Database } from '../keyspace/database.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { Random } from '../lib/random.js';
import type { ReplyWriter } from '../resp/reply-writer.js';
import type { ClientState } from './client-state.js';
import type { ServerFacade } from './server-facade.js';

/**
 * A command handler: synchronous, reads argv (latin1 strings, argv[0] is the name as sent),
 * writes exactly one reply to ctx.reply, or throws ReplyError (src/lib/errors.ts), which the
 * dispatcher writes. Arity was checked before the call.
 */
export type CommandHandler = (ctx: CommandContext, argv: string[]) => void;

/** A handler group's entry: the spec comes from generated/redis-commands.json by name. */
export interface CommandDefinition {
  /** Lowercase: `get`; `config` for a container; `get` inside config's subcommands. */
  readonly name: string;
  readonly handler?: CommandHandler;
  readonly subcommands?: readonly CommandDefinition[];
}

/**
 * What a handler may do. `nowMs` is the command's time, fixed for its whole run.
 */
export interface CommandContext {
  readonly reply: ReplyWriter;
  readonly client: ClientState;
  readonly keyspace: Keyspace;
  /** The client's selected database. */
  readonly db: Database;
  readonly server: ServerFacade;
  readonly nowMs: number;
  readonly random: Random;
  /** Counts changes to the dataset (save points, INFO rdb_changes_since_last_save, propagation). */
  dirty(changes?: number): void;
  /** Propagates these arguments instead of the command as called (EXPIRE → PEXPIREAT). */
  propagateAs(argv: string[]): void;
}

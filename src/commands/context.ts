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
  /**
   * False inside MULTI/EXEC and scripts: there a blocking command must not block and replies
   * as if its timeout had passed (Redis's rule).
   */
  readonly mayBlock: boolean;
  /**
   * True when the handler runs again for a client woken from ctx.block: Redis then serves only
   * from keys of the right type, and a key overwritten with another type keeps it waiting
   * instead of answering WRONGTYPE.
   */
  readonly wokenFromBlock: boolean;
  /**
   * Parks the calling client instead of replying (the handler writes nothing). When a command
   * writes one of `request.keys` (in this client's database), the handler runs again with
   * `request.argvOnWake ?? argv`, in the order clients blocked; if it blocks again, the client
   * keeps its place. At `timeoutAtMs` (0 = never) `onTimeout` writes the reply.
   */
  block(request: BlockRequest): void;
}

export interface BlockRequest {
  readonly keys: readonly string[];
  /** Absolute time in ms to give up, or 0 to wait forever. */
  readonly timeoutAtMs: number;
  /** The reply on timeout (BLPOP: a null array) and on CLIENT UNBLOCK ... TIMEOUT. */
  readonly onTimeout: (reply: ReplyWriter) => void;
  /** What to run when woken, if not the same argv (XREAD BLOCK with `$` resolved to an id). */
  readonly argvOnWake?: string[];
}

import { Errors, ReplyError } from '../lib/errors.js';
import type { RunOptions, ScriptTask } from '../scripting/engine.js';
import type { ScriptFlags } from '../scripting/script-flags.js';
import type { CommandContext } from './context.js';
import { parseInt64 } from './parse.js';

/**
 * What EVAL and FCALL share: the numkeys split, Redis's checks before a run (processCommand's
 * flags from the script, scriptPrepareForRun), and the hand-over of a script that went past
 * busy-reply-threshold to the node (docs/lua-vm.md).
 */

export function splitKeys(argv: readonly string[], badNumber?: string): { keys: string[]; args: string[] } {
  const numKeys = parseNumKeys(argv[2] as string, badNumber);
  // Mixed bigint/number comparisons are exact.
  if (numKeys > argv.length - 3) throw new ReplyError("ERR Number of keys can't be greater than number of args");
  if (numKeys < 0) throw new ReplyError("ERR Number of keys can't be negative");
  const keysEnd = 3 + Number(numKeys);
  return { keys: argv.slice(3, keysEnd), args: argv.slice(keysEnd) };
}

/** numkeys: one digit (nearly every call) without a bigint, else Redis's string2ll rules. */
function parseNumKeys(text: string, badNumber?: string): bigint | number {
  if (text.length === 1) {
    const digit = text.charCodeAt(0) - 0x30;
    if (digit >= 0 && digit <= 9) return digit;
  }
  return parseInt64(text, badNumber);
}

/**
 * Redis 7.0's rules. `flags` null: an EVAL script without shebang (compatibility mode: only
 * the _RO command makes it read-only, and only its write commands meet the OOM check).
 */
export function prepareRun(ctx: CommandContext, flags: ScriptFlags | null, readOnlyCommand: boolean): RunOptions {
  const scripting = ctx.server.scripting;
  if (flags !== null) {
    const noWrites = flags.has('no-writes');
    // processCommand first: a script with flags is denyoom unless no-writes or allow-oom.
    if (!noWrites && !flags.has('allow-oom') && scripting.outOfMemory()) throw new ReplyError(Errors.oom);
    // processCommand: a script with flags is a write command unless no-writes (-MISCONF).
    const diskError = noWrites ? undefined : scripting.diskWriteError();
    if (diskError !== undefined) throw new ReplyError(diskError);
    // Then scriptPrepareForRun. allow-stale only matters on a replica whose link to its master
    // is down (replica-serve-stale-data no): no replication yet, so it is parsed and listed only.
    if (flags.has('no-cluster') && scripting.clusterEnabled()) throw new ReplyError("ERR Can not run script on cluster, 'no-cluster' flag is set.");
    if (!noWrites && readOnlyCommand) throw new ReplyError('ERR Can not execute a script with write flag using *_ro command.');
  }
  return {
    readOnly: readOnlyCommand || (flags?.has('no-writes') ?? false),
    allowOom: flags?.has('allow-oom') ?? false,
    // Scripts without shebang keep Redis 6's freedom; flagged ones must ask for it.
    allowCrossSlot: flags === null || flags.has('allow-cross-slot-keys'),
    suspendable: true,
    busyThresholdMs: scripting.busyThresholdMs(),
  };
}

/** A script that yielded past busy-reply-threshold: the node runs it on and replies later. */
export function handOver(ctx: CommandContext, task: ScriptTask | undefined, argv: readonly string[]): void {
  if (task !== undefined) ctx.server.scripting.suspend(ctx.client, task, argv);
}

/** SCRIPT KILL / FUNCTION KILL (Redis's scriptKill). */
export function killScript(ctx: CommandContext, isEval: boolean): void {
  const busy = ctx.server.scripting.busy();
  if (busy === undefined) throw new ReplyError('NOTBUSY No scripts in execution right now.');
  if (busy.script.wroteData) {
    throw new ReplyError(
      'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
    );
  }
  if (isEval && !busy.script.isEval) throw new ReplyError(Errors.busyFunction);
  if (!isEval && busy.script.isEval) throw new ReplyError(Errors.busyEval);
  busy.script.kill();
  ctx.reply.ok();
}

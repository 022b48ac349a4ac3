import type { BusyScriptView, SuspendedScript } from '../commands/server-facade.js';
import { ReplyError, sanitizeErrorText } from '../lib/errors.js';
import type { ReplyWriter } from '../resp/reply-writer.js';

/** The client that ran a suspended script, as the runner needs it (a Session). */
export interface ScriptOwner {
  readonly writer: ReplyWriter;
  /** Its further input waits while the script runs (like a blocked client). */
  blocked: boolean;
  readonly closed: boolean;
  flush(): void;
  processInput(): void;
}

export interface BusyScriptHooks {
  /** Fresh command clock before each slice (commands the script runs take their time from it). */
  beginBatch(): void;
  countError(message: string): void;
}

interface Busy extends BusyScriptView {
  readonly owner: ScriptOwner;
  readonly continuations: Array<() => void>;
}

/**
 * Runs a script that went past busy-reply-threshold (docs/lua-vm.md, "Long scripts"): one
 * slice per event-loop turn (setImmediate, so sockets are read in between and other clients
 * get BUSY), until it ends; then its reply goes to its client and the client's input resumes.
 * At most one script is suspended at a time: every other EVAL/FCALL is refused with BUSY.
 */
export class BusyScriptRunner {
  readonly #hooks: BusyScriptHooks;
  #busy: Busy | undefined;
  #timer: NodeJS.Immediate | undefined;

  constructor(hooks: BusyScriptHooks) {
    this.#hooks = hooks;
  }

  get current(): BusyScriptView | undefined {
    return this.#busy;
  }

  get isEval(): boolean {
    return this.#busy?.script.isEval ?? false;
  }

  suspend(owner: ScriptOwner, script: SuspendedScript, argv: readonly string[]): void {
    if (this.#busy !== undefined) throw new Error('a script is already suspended');
    owner.blocked = true;
    this.#busy = { owner, script, argv, continuations: [] };
    this.#schedule();
  }

  /** EXEC: the rest of the transaction runs once the owner's script ended. */
  continueAfter(owner: ScriptOwner, continuation: () => void): boolean {
    if (this.#busy === undefined || this.#busy.owner !== owner) return false;
    this.#busy.continuations.push(continuation);
    return true;
  }

  /** The node stops: the script is dropped without a reply. */
  abandon(): void {
    if (this.#timer !== undefined) clearImmediate(this.#timer);
    this.#timer = undefined;
    this.#busy?.script.abandon();
    this.#busy = undefined;
  }

  #schedule(): void {
    this.#timer = setImmediate(() => this.#step());
  }

  #step(): void {
    this.#timer = undefined;
    const busy = this.#busy;
    if (busy === undefined) return;
    this.#hooks.beginBatch();
    const { owner, script } = busy;
    let done: boolean;
    try {
      done = script.step();
    } catch (error) {
      if (!(error instanceof ReplyError)) throw error;
      const message = sanitizeErrorText(error.message);
      owner.writer.error(message);
      if ((error as ReplyError & { alreadyCounted?: boolean }).alreadyCounted !== true) this.#hooks.countError(message);
      done = true;
    }
    if (!done) {
      this.#schedule();
      return;
    }
    this.#busy = undefined;
    owner.blocked = false;
    // EXEC's remaining commands; one of them may suspend again (then the owner stays blocked).
    for (const continuation of busy.continuations) continuation();
    owner.flush();
    if (!owner.blocked && !owner.closed) setImmediate(() => owner.processInput());
  }
}

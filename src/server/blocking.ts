import type { BlockRequest } from '../commands/context.js';
import type { ReplyWriter } from '../resp/reply-writer.js';

/** A client as the blocking registry needs it (a Session). */
export interface BlockableClient {
  blocked: boolean;
  readonly writer: ReplyWriter;
}

/** One parked client: what it waits for and what to run when woken. */
export interface Parked<C extends BlockableClient = BlockableClient, K = unknown> {
  readonly client: C;
  readonly dbIndex: number;
  readonly keys: readonly string[];
  /** The command to run again on wake (argvOnWake, or the original argv). */
  readonly argv: string[];
  readonly request: BlockRequest;
  /** Opaque to the registry: what the retry callback needs (the resolved command). */
  readonly command: K;
  timer: NodeJS.Timeout | undefined;
}

export interface BlockingHooks<C extends BlockableClient, K> {
  /** Runs the parked command again; true when it blocked again (the client keeps its place). */
  retry(parked: Parked<C, K>): boolean;
  /** The client got its reply (served, timed out, unblocked): flush it and resume its input. */
  released(parked: Parked<C, K>): void;
  /** An error reply was written on the client's behalf (CLIENT UNBLOCK ... ERROR). */
  countError(message: string): void;
  nowMs(): number;
}

/**
 * Clients parked by blocking commands (BLPOP, BZPOPMIN, XREAD BLOCK...). A write to a key marks
 * it ready; after the writing command, the clients waiting on ready keys are retried in the
 * order they blocked (Redis's handleClientsBlockedOnKeys), never by polling. A retry that writes
 * (BLMOVE) can make more keys ready: the loop runs until none are left.
 */
export class BlockingRegistry<C extends BlockableClient, K> {
  readonly #byKey = new Map<number, Map<string, Array<Parked<C, K>>>>();
  readonly #byClient = new Map<C, Parked<C, K>>();
  #ready: Array<[number, string]> = [];
  readonly #readySet = new Map<number, Set<string>>();
  #serving = false;
  readonly #hooks: BlockingHooks<C, K>;

  constructor(hooks: BlockingHooks<C, K>) {
    this.#hooks = hooks;
  }

  /** Clients blocked now (INFO blocked_clients). */
  get size(): number {
    return this.#byClient.size;
  }

  /** Distinct keys with blocked clients (INFO total_blocking_keys). */
  get keyCount(): number {
    let count = 0;
    for (const keys of this.#byKey.values()) count += keys.size;
    return count;
  }

  isParked(client: C): boolean {
    return this.#byClient.has(client);
  }

  /** Parks a client. A client already parked (a retry that blocked again) keeps its place. */
  park(client: C, dbIndex: number, argv: string[], request: BlockRequest, command: K): void {
    if (this.#byClient.has(client)) return;
    const parked: Parked<C, K> = { client, dbIndex, keys: [...new Set(request.keys)], argv: request.argvOnWake ?? argv, request, command, timer: undefined };
    this.#byClient.set(client, parked);
    let keys = this.#byKey.get(dbIndex);
    if (keys === undefined) this.#byKey.set(dbIndex, (keys = new Map()));
    for (const key of parked.keys) {
      const list = keys.get(key);
      if (list === undefined) keys.set(key, [parked]);
      else list.push(parked);
    }
    client.blocked = true;
    if (request.timeoutAtMs > 0) {
      const delayMs = Math.max(0, request.timeoutAtMs - this.#hooks.nowMs());
      parked.timer = setTimeout(() => this.unblock(client, 'timeout'), delayMs);
    }
  }

  /**
   * Keys written by a command (null: every key with waiters, for FLUSHALL, SWAPDB, MOVE...).
   * Serves the waiting clients now unless a serve loop is already running (it will see them).
   */
  keysWritten(dbIndex: number | null, keys: readonly string[] | null): void {
    if (this.#byClient.size === 0) return;
    for (const [db, byKey] of this.#byKey) {
      if (dbIndex !== null && db !== dbIndex) continue;
      if (keys === null) for (const key of byKey.keys()) this.#markReady(db, key);
      else for (const key of keys) if (byKey.has(key)) this.#markReady(db, key);
    }
    if (!this.#serving) this.#serve();
  }

  #markReady(dbIndex: number, key: string): void {
    let set = this.#readySet.get(dbIndex);
    if (set === undefined) this.#readySet.set(dbIndex, (set = new Set()));
    if (set.has(key)) return;
    set.add(key);
    this.#ready.push([dbIndex, key]);
  }

  #serve(): void {
    this.#serving = true;
    try {
      // Bounded: each pass either serves a client or leaves its key's waiters blocked.
      while (this.#ready.length > 0) {
        const ready = this.#ready;
        this.#ready = [];
        this.#readySet.clear();
        for (const [dbIndex, key] of ready) {
          const waiting = this.#byKey.get(dbIndex)?.get(key);
          if (waiting === undefined) continue;
          for (const parked of [...waiting]) {
            if (this.#byClient.get(parked.client) !== parked) continue; // served meanwhile
            if (this.#hooks.retry(parked)) continue;
            this.#detach(parked);
            this.#hooks.released(parked);
          }
        }
      }
    } finally {
      this.#serving = false;
    }
  }

  /**
   * Ends a client's wait without data: 'timeout' writes the command's timeout reply, 'error' the
   * UNBLOCKED error (CLIENT UNBLOCK). False when the client was not blocked.
   */
  unblock(client: C, how: 'timeout' | 'error'): boolean {
    const parked = this.#byClient.get(client);
    if (parked === undefined) return false;
    this.#detach(parked);
    if (how === 'timeout') parked.request.onTimeout(client.writer);
    else {
      const message = 'UNBLOCKED client unblocked via CLIENT UNBLOCK';
      client.writer.error(message);
      this.#hooks.countError(message);
    }
    this.#hooks.released(parked);
    return true;
  }

  /**
   * Ends, with an error reply, the wait of every parked client for which errorFor returns one
   * (cluster mode: its keys' slot moved away, the cluster went down). Returns how many.
   */
  failWhere(errorFor: (parked: Parked<C, K>) => string | null): number {
    let failed = 0;
    for (const parked of [...this.#byClient.values()]) {
      const message = errorFor(parked);
      if (message === null) continue;
      this.#detach(parked);
      parked.client.writer.error(message);
      this.#hooks.countError(message);
      this.#hooks.released(parked);
      failed++;
    }
    return failed;
  }

  /** A parked client disconnected. */
  remove(client: C): void {
    const parked = this.#byClient.get(client);
    if (parked !== undefined) this.#detach(parked);
  }

  #detach(parked: Parked<C, K>): void {
    this.#byClient.delete(parked.client);
    parked.client.blocked = false;
    if (parked.timer !== undefined) clearTimeout(parked.timer);
    const keys = this.#byKey.get(parked.dbIndex);
    if (keys === undefined) return;
    for (const key of parked.keys) {
      const list = keys.get(key);
      if (list === undefined) continue;
      const index = list.indexOf(parked);
      if (index !== -1) list.splice(index, 1);
      if (list.length === 0) keys.delete(key);
    }
    if (keys.size === 0) this.#byKey.delete(parked.dbIndex);
  }
}

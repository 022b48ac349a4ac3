/** Where propagated commands go: the AOF now, the replication stream later. */
export type PropagationSink = (dbIndex: number, argv: readonly string[]) => void;

const MULTI: readonly string[] = ['MULTI'];
const EXEC: readonly string[] = ['EXEC'];

/**
 * Redis 7.0's also_propagate array (server.c propagatePendingCommands): what one top-level
 * command propagates (its own rewrite, keys it expired lazily, the commands of an EXEC or a
 * script) is collected, then sent at the end of the command, wrapped in MULTI/EXEC when it is
 * more than one command. Active expiry and eviction propagate each DEL on its own, unwrapped
 * (Redis's propagate_no_multi).
 */
export class PropagationQueue {
  #ops: Array<[number, readonly string[]]> = [];
  #depth = 0;
  /** Nothing listens (AOF off, no replicas): propagate costs nothing. */
  sink: PropagationSink | undefined;

  /** A top-level command starts. */
  enter(): void {
    this.#depth++;
  }

  /** The top-level command ended: send what it propagated. */
  exit(): void {
    if (--this.#depth === 0) this.flush(true);
  }

  push(dbIndex: number, argv: readonly string[]): void {
    if (this.sink === undefined) return;
    this.#ops.push([dbIndex, argv]);
    if (this.#depth === 0) this.flush(false);
  }

  /** Sends the pending commands; `wrap`: in MULTI/EXEC when there are several. */
  flush(wrap: boolean): void {
    const ops = this.#ops;
    if (ops.length === 0) return;
    this.#ops = [];
    const sink = this.sink;
    if (sink === undefined) return;
    const transaction = wrap && ops.length > 1;
    // MULTI goes to the first command's database and EXEC to the last one's: no extra SELECT.
    if (transaction) sink((ops[0] as [number, readonly string[]])[0], MULTI);
    for (const [dbIndex, argv] of ops) sink(dbIndex, argv);
    if (transaction) sink((ops[ops.length - 1] as [number, readonly string[]])[0], EXEC);
  }
}

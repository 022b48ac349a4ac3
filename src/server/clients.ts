import type { ClientState } from '../commands/client-state.js';
import type { ClientsFacade } from '../commands/server-facade.js';
import type { Session } from './session.js';

/**
 * The connected clients, and CLIENT PAUSE. Sessions register here; CLIENT LIST, KILL, INFO
 * and the maxclients check read it.
 */
export class ClientRegistry implements ClientsFacade {
  readonly #sessions = new Map<number, Session>();
  #nextId = 1;
  #pauseUntilMs = 0;
  #pauseMode: 'all' | 'write' = 'all';
  readonly #nowMs: () => number;

  constructor(nowMs: () => number) {
    this.#nowMs = nowMs;
  }

  nextId(): number {
    return this.#nextId++;
  }

  get count(): number {
    return this.#sessions.size;
  }

  add(session: Session): void {
    this.#sessions.set(session.id, session);
  }

  remove(session: Session): void {
    this.#sessions.delete(session.id);
  }

  sessions(): IterableIterator<Session> {
    return this.#sessions.values();
  }

  list(): readonly ClientState[] {
    return [...this.#sessions.values()];
  }

  byId(id: number): ClientState | undefined {
    return this.#sessions.get(id);
  }

  isMonitor(client: ClientState): boolean {
    return this.#sessions.get(client.id)?.monitor === true;
  }

  /**
   * One CLIENT LIST / CLIENT INFO line, fields in Redis 7.0's order. Buffer and memory fields
   * Node does not expose per socket (qbuf-free, argv-mem, rbs, rbp, omem, tot-mem) print as 0 or
   * a fixed size: docs/info-fields.md.
   */
  describe(client: ClientState): string {
    const nowMs = this.#nowMs();
    const session = this.#sessions.get(client.id);
    const flags = session?.monitor ? 'O' : 'N';
    const qbuf = session?.parser.bufferedBytes ?? 0;
    return (
      `id=${client.id} addr=${client.remoteAddress} laddr=${client.localAddress} fd=${session === undefined ? -1 : session.fd} name=${client.name} ` +
      `age=${Math.floor((nowMs - client.createdAtMs) / 1000)} idle=${Math.floor((nowMs - client.lastInteractionMs) / 1000)} ` +
      `flags=${flags} db=${client.dbIndex} sub=0 psub=0 ssub=0 multi=-1 qbuf=${qbuf} qbuf-free=0 argv-mem=0 multi-mem=0 ` +
      `rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=${client.lastCommand} user=${client.user} redir=-1 resp=${client.protocol}`
    );
  }

  kill(client: ClientState): void {
    const session = this.#sessions.get(client.id);
    if (session === undefined) return;
    // Let the reply of the command that asked for it leave first when a client kills itself.
    session.closeAfterReply = true;
    queueMicrotask(() => session.flush());
  }

  pause(untilMs: number, mode: 'all' | 'write'): void {
    // Redis keeps the longer pause and the stricter mode when pauses overlap.
    if (untilMs > this.#pauseUntilMs) this.#pauseUntilMs = untilMs;
    if (mode === 'all') this.#pauseMode = 'all';
    else if (this.#pauseUntilMs <= untilMs) this.#pauseMode = mode;
  }

  /** Set by the server: ends a parked client's wait (the blocking registry lives there). */
  unblockHook: (session: Session, how: 'timeout' | 'error') => boolean = () => false;

  unblock(id: number, how: 'timeout' | 'error'): boolean {
    const session = this.#sessions.get(id);
    return session !== undefined && this.unblockHook(session, how);
  }

  unpause(): void {
    this.#pauseUntilMs = 0;
    // Not now: the caller is inside a session's processInput, which must not be re-entered.
    queueMicrotask(() => this.resumePaused());
  }

  /** A pause was set and has not been seen to end: the cheap check before reading the clock. */
  get pausing(): boolean {
    return this.#pauseUntilMs !== 0;
  }

  /** The pause in force now, or undefined. */
  activePause(nowMs: number): 'all' | 'write' | undefined {
    return nowMs < this.#pauseUntilMs ? this.#pauseMode : undefined;
  }

  /** Runs what paused sessions held back (called when a pause ends or is lifted). */
  resumePaused(): void {
    if (this.#pauseUntilMs !== 0 && this.#nowMs() >= this.#pauseUntilMs) this.#pauseUntilMs = 0;
    for (const session of this.#sessions.values()) session.processInput();
  }
}

/**
 * A malformed RDB file or payload: what is wrong and at which byte offset. Thrown by every reader
 * in this folder; callers turn it into a log line (loading), an exit code (`tessera rdb check`)
 * or a RESP error (RESTORE).
 */
export class RdbFormatError extends Error {
  override name = 'RdbFormatError';
  readonly offset: number;
  /** The key being read when it broke, when known (set by the file reader). */
  key: string | undefined;

  constructor(reason: string, offset: number) {
    super(`${reason} at byte offset ${offset}`);
    this.offset = offset;
  }
}

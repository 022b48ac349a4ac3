/**
 * The catalogue of RESP error strings. Clients parse these (MOVED, WRONGTYPE, CROSSSLOT...), so
 * each must equal Redis 7.0's byte for byte. Handlers throw `new ReplyError(...)`; the dispatcher
 * writes it as `-<message>\r\n` and counts it in INFO errorstats by its first word.
 */
export class ReplyError extends Error {
  override name = 'ReplyError';
  constructor(message: string) {
    super(message);
  }
}

export const Errors = {
  syntax: 'ERR syntax error',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  overflow: 'ERR increment or decrement would overflow',
  noSuchKey: 'ERR no such key',
  dbIndexOutOfRange: 'ERR DB index is out of range',
  invalidExpireTime: (command: string) => `ERR invalid expire time in '${command}' command`,
  noAuth: 'NOAUTH Authentication required.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  authNotConfigured:
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  wrongArity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  unknownCommand: (name: string, args: readonly string[]) => {
    // Redis: "unknown command '%.128s', with args beginning with: " then "'%.128s' " per
    // argument while the accumulated argument text stays under 128 characters.
    const text = `ERR unknown command '${truncate(name, 128)}', with args beginning with: `;
    let argsText = '';
    for (const arg of args) {
      if (argsText.length >= 128) break;
      argsText += `'${truncate(arg, 128 - argsText.length)}' `;
    }
    return sanitizeErrorText(text + argsText);
  },
  unknownSubcommand: (sub: string, command: string) =>
    sanitizeErrorText(`ERR unknown subcommand '${truncate(sub, 128)}'. Try ${command.toUpperCase()} HELP.`),
  protocol: (detail: string) => `ERR Protocol error: ${detail}`,
  /** stop-writes-on-bgsave-error after a failed BGSAVE (shared.bgsaveerr). */
  misconfRdb:
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  bitOffset: 'ERR bit offset is not an integer or out of range',
  bitValue: 'ERR bit is not an integer or out of range',
  offsetOutOfRange: 'ERR offset is out of range',
  selectNotAllowedInCluster: 'ERR SELECT is not allowed in cluster mode',
  sameObject: 'ERR source and destination objects are the same',
  timeoutNotFloat: 'ERR timeout is not a float or out of range',
  timeoutNegative: 'ERR timeout is negative',
  nan: 'ERR increment would produce NaN or Infinity',
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  /** A suspended EVAL script (busy-reply-threshold): everything but allow_busy commands. */
  busyEval: 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
  /** A suspended function (FCALL). */
  busyFunction: 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.',
  maxClients: 'ERR max number of clients reached',
  noProto: 'NOPROTO unsupported protocol version',
} as const;

/** C's "%.Ns": at most maxChars, and a NUL byte ends the string. */
function truncate(text: string, maxChars: number): string {
  const nul = text.indexOf('\0');
  const end = nul === -1 ? maxChars : Math.min(nul, maxChars);
  return text.length > end ? text.slice(0, end) : text;
}

/**
 * A user-supplied argument printed with C's "%s" in a Redis error: a NUL byte ends it.
 * Use it where an error quotes an argument (`Unsupported option %s`).
 */
export function cStringArg(text: string): string {
  const nul = text.indexOf('\0');
  return nul === -1 ? text : text.slice(0, nul);
}

/**
 * Redis's addReplyErrorFormat: trims CR/LF at the end, then replaces the ones left inside with
 * spaces, so the reply stays one line.
 */
export function sanitizeErrorText(text: string): string {
  if (text.indexOf('\r') === -1 && text.indexOf('\n') === -1) return text;
  return text.replace(/[\r\n]+$/, '').replace(/[\r\n]/g, ' ');
}

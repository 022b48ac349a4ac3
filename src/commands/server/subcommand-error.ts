import { sanitizeErrorText } from '../../lib/errors.js';

/** Redis's addReplySubcommandSyntaxError: a known subcommand with arguments it cannot take. */
export function subcommandSyntaxError(argv: readonly string[]): string {
  const sub = (argv[1] ?? '').slice(0, 128);
  return sanitizeErrorText(`ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ${(argv[0] ?? '').toUpperCase()} HELP.`);
}

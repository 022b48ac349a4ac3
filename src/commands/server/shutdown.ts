import { Errors, ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import type { ShutdownOptions } from '../server-facade.js';

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: parsed like Redis 7.0's shutdownCommand. On
 * success there is no reply: the node closes every connection and exits.
 */
function shutdown(ctx: CommandContext, argv: string[]): void {
  const options: ShutdownOptions = {};
  let any = false;
  for (let i = 1; i < argv.length; i++) {
    const flag = (argv[i] as string).toLowerCase();
    if (flag === 'nosave') options.noSave = true;
    else if (flag === 'save') options.save = true;
    else if (flag === 'now') options.now = true;
    else if (flag === 'force') options.force = true;
    else if (flag === 'abort') options.abort = true;
    else throw new ReplyError(Errors.syntax);
    if (flag !== 'abort') any = true;
  }
  if ((options.abort && any) || (options.noSave && options.save)) throw new ReplyError(Errors.syntax);
  ctx.server.shutdown(options);
  if (options.abort) ctx.reply.ok();
}

export const shutdownCommand: CommandDefinition = { name: 'shutdown', handler: shutdown };

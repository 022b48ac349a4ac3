import { ReplyError } from '../../lib/errors.js';
import type { CommandContext } from '../context.js';

/** Redis 7.0 answers CLUSTER subcommands, ASKING, READONLY and READWRITE so on a standalone node. */
export function requireClusterMode(ctx: CommandContext): void {
  if (ctx.server.config.value('cluster-enabled') !== 'yes') throw new ReplyError('ERR This instance has cluster support disabled');
}

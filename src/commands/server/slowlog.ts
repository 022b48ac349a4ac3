import { ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { parseInt64 } from '../parse.js';
import { slowlogHelp } from './help-texts.js';
import { writeHelp } from './spec-emitter.js';
import { subcommandSyntaxError } from './subcommand-error.js';

/** Redis's default SLOWLOG GET count. */
const DEFAULT_GET_COUNT = 10;
const COUNT_ERROR = 'ERR count should be greater than or equal to -1';

function slowlogGet(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 3) throw new ReplyError(subcommandSyntaxError(argv));
  let count = DEFAULT_GET_COUNT;
  if (argv.length === 3) {
    const requested = parseInt64(argv[2] as string, COUNT_ERROR);
    if (requested < -1n) throw new ReplyError(COUNT_ERROR);
    count = requested > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(requested);
  }
  const entries = ctx.server.slowlog.entries(count);
  const reply = ctx.reply;
  reply.array(entries.length);
  for (const entry of entries) {
    reply.array(6);
    reply.integer(entry.id);
    reply.integer(entry.timestampUnixSeconds);
    reply.integer(entry.durationUs);
    reply.bulkArray(entry.argv);
    reply.bulk(entry.clientAddress);
    reply.bulk(entry.clientName);
  }
}

export const slowlogCommand: CommandDefinition = {
  name: 'slowlog',
  subcommands: [
    { name: 'get', handler: slowlogGet },
    { name: 'len', handler: (ctx) => ctx.reply.integer(ctx.server.slowlog.length) },
    {
      name: 'reset',
      handler: (ctx) => {
        ctx.server.slowlog.reset();
        ctx.reply.ok();
      },
    },
    { name: 'help', handler: (ctx) => writeHelp(ctx.reply, slowlogHelp) },
  ],
};


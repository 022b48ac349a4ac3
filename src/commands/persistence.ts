import { Errors, ReplyError } from '../lib/errors.js';
import type { CommandContext, CommandDefinition } from './context.js';
import { isOption } from './parse.js';

/** SAVE: the whole image written before the reply; a bare "-ERR" when it fails (Redis's shared.err). */
function save(ctx: CommandContext): void {
  const persistence = ctx.server.persistence;
  if (persistence.bgsaveInProgress) throw new ReplyError('ERR Background save already in progress');
  if (!persistence.saveNow()) throw new ReplyError('ERR');
  ctx.reply.ok();
}

/** BGSAVE [SCHEDULE]: a fork-less snapshot walked in time slices (docs/snapshots.md). */
function bgsave(ctx: CommandContext, argv: string[]): void {
  let schedule = false;
  if (argv.length > 1) {
    if (argv.length === 2 && isOption(argv[1] as string, 'schedule')) schedule = true;
    else throw new ReplyError(Errors.syntax);
  }
  let outcome: 'started' | 'scheduled';
  try {
    // BGSAVE is flagged noscript: mayBlock is false only inside MULTI/EXEC here.
    outcome = ctx.server.persistence.bgsave(schedule, !ctx.mayBlock);
  } catch (error) {
    const message = (error as Error).message;
    throw new ReplyError(message === '' ? 'ERR' : `ERR ${message}`);
  }
  ctx.reply.simple(outcome === 'started' ? 'Background saving started' : 'Background saving scheduled');
}

function lastsave(ctx: CommandContext): void {
  ctx.reply.integer(ctx.server.lastSaveUnixSeconds());
}

export const persistenceCommands: readonly CommandDefinition[] = [
  { name: 'save', handler: save },
  { name: 'bgsave', handler: bgsave },
  { name: 'lastsave', handler: lastsave },
];

import { Errors, ReplyError } from '../../lib/errors.js';
import { validateClientName } from '../connection.js';
import type { ClientState } from '../client-state.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { isOption, parseInt64 } from '../parse.js';
import { clientHelp } from './help-texts.js';
import { writeHelp } from './spec-emitter.js';
import { subcommandSyntaxError } from './subcommand-error.js';

/** CLIENT subcommands, with Redis 7.0's argument rules and error strings (networking.c). */

/** CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when the client was blocked and is now released. */
function clientUnblock(ctx: CommandContext, argv: string[]): void {
  const id = parseInt64(argv[2] as string);
  let how: 'timeout' | 'error' = 'timeout';
  if (argv.length === 4) {
    if (isOption(argv[3], 'timeout')) how = 'timeout';
    else if (isOption(argv[3], 'error')) how = 'error';
    else throw new ReplyError('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
  } else if (argv.length > 4) {
    throw new ReplyError(Errors.syntax);
  }
  const released = id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER) && ctx.server.clients.unblock(Number(id), how);
  ctx.reply.integer(released ? 1 : 0);
}

type ClientType = 'normal' | 'master' | 'replica' | 'pubsub';

/** Redis's getClientTypeByName. */
function parseClientType(name: string): ClientType {
  switch (name.toLowerCase()) {
    case 'normal':
      return 'normal';
    case 'slave':
    case 'replica':
      return 'replica';
    case 'pubsub':
      return 'pubsub';
    case 'master':
      return 'master';
    default:
      throw new ReplyError(`ERR Unknown client type '${name}'`);
  }
}

/**
 * Redis's getClientType. Every Tessera client is `normal` for now: replication links and
 * pub/sub subscriptions land with their issues (a MONITOR counts as normal, as in Redis).
 */
function clientType(_client: ClientState): ClientType {
  return 'normal';
}

function clientId(ctx: CommandContext): void {
  ctx.reply.integer(ctx.client.id);
}

function clientSetname(ctx: CommandContext, argv: string[]): void {
  const name = argv[2] as string;
  validateClientName(name);
  ctx.client.name = name;
  ctx.reply.ok();
}

function clientGetname(ctx: CommandContext): void {
  ctx.reply.bulk(ctx.client.name === '' ? null : ctx.client.name);
}

function clientList(ctx: CommandContext, argv: string[]): void {
  const clients = ctx.server.clients;
  let text = '';
  if (argv.length === 4 && isOption(argv[2], 'type')) {
    const type = parseClientType(argv[3] as string);
    for (const client of clients.list()) if (clientType(client) === type) text += `${clients.describe(client)}\n`;
  } else if (argv.length > 3 && isOption(argv[2], 'id')) {
    const ids = argv.slice(3).map((arg) => parseInt64(arg, 'ERR Invalid client ID'));
    for (const id of ids) {
      const client = id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER) ? clients.byId(Number(id)) : undefined;
      if (client !== undefined) text += `${clients.describe(client)}\n`;
    }
  } else if (argv.length !== 2) {
    throw new ReplyError(Errors.syntax);
  } else {
    for (const client of clients.list()) text += `${clients.describe(client)}\n`;
  }
  ctx.reply.verbatim(text);
}

function clientInfo(ctx: CommandContext): void {
  ctx.reply.verbatim(`${ctx.server.clients.describe(ctx.client)}\n`);
}

interface KillFilter {
  id?: number;
  type?: ClientType;
  user?: string;
  addr?: string;
  laddr?: string;
  skipMe: boolean;
}

function parseKillFilter(ctx: CommandContext, argv: readonly string[]): KillFilter {
  const filter: KillFilter = { skipMe: true };
  // Options come in pairs after `CLIENT KILL`; an odd count is a syntax error.
  if (argv.length % 2 !== 0) throw new ReplyError(Errors.syntax);
  for (let i = 2; i < argv.length; i += 2) {
    const option = argv[i] as string;
    const value = argv[i + 1] as string;
    if (isOption(option, 'id')) {
      const id = parseInt64(value, 'ERR client-id should be greater than 0');
      if (id < 1n) throw new ReplyError('ERR client-id should be greater than 0');
      filter.id = id > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(id);
    } else if (isOption(option, 'type')) {
      filter.type = parseClientType(value);
    } else if (isOption(option, 'addr')) {
      filter.addr = value;
    } else if (isOption(option, 'laddr')) {
      filter.laddr = value;
    } else if (isOption(option, 'user')) {
      // Only the default user exists until ACLs land.
      if (value !== 'default') throw new ReplyError(`ERR No such user '${value}'`);
      filter.user = value;
    } else if (isOption(option, 'skipme')) {
      if (isOption(value, 'yes')) filter.skipMe = true;
      else if (isOption(value, 'no')) filter.skipMe = false;
      else throw new ReplyError(Errors.syntax);
    } else {
      // Redis 7.0 has no MAXAGE filter (7.2 added it): a syntax error, like 7.0.15.
      throw new ReplyError(Errors.syntax);
    }
  }
  void ctx;
  return filter;
}

function matchesKill(filter: KillFilter, client: ClientState, self: ClientState): boolean {
  if (filter.addr !== undefined && client.remoteAddress !== filter.addr) return false;
  if (filter.laddr !== undefined && client.localAddress !== filter.laddr) return false;
  if (filter.type !== undefined && clientType(client) !== filter.type) return false;
  if (filter.id !== undefined && client.id !== filter.id) return false;
  if (filter.user !== undefined && client.user !== filter.user) return false;
  if (filter.skipMe && client.id === self.id) return false;
  return true;
}

function clientKill(ctx: CommandContext, argv: string[]): void {
  const clients = ctx.server.clients;
  if (argv.length === 3) {
    // Old form: CLIENT KILL ip:port.
    const target = clients.list().find((client) => client.remoteAddress === argv[2]);
    if (target === undefined) throw new ReplyError('ERR No such client');
    clients.kill(target);
    ctx.reply.ok();
    return;
  }
  const filter = parseKillFilter(ctx, argv);
  let killed = 0;
  for (const client of [...clients.list()]) {
    if (!matchesKill(filter, client, ctx.client)) continue;
    clients.kill(client);
    killed++;
  }
  ctx.reply.integer(killed);
}

/** Redis's getTimeoutFromObjectOrReply in milliseconds: an absolute deadline. */
function parseTimeoutMs(ctx: CommandContext, text: string): number {
  const timeout = parseInt64(text, 'ERR timeout is not an integer or out of range');
  if (timeout < 0n) throw new ReplyError('ERR timeout is negative');
  if (timeout > BigInt(Number.MAX_SAFE_INTEGER) - BigInt(ctx.nowMs)) throw new ReplyError('ERR timeout is out of range');
  return ctx.nowMs + Number(timeout);
}

function clientPause(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 4) throw new ReplyError(subcommandSyntaxError(argv));
  let mode: 'all' | 'write' = 'all';
  if (argv.length === 4) {
    if (isOption(argv[3], 'write')) mode = 'write';
    else if (!isOption(argv[3], 'all')) throw new ReplyError('ERR CLIENT PAUSE mode must be WRITE or ALL');
  }
  const untilMs = parseTimeoutMs(ctx, argv[2] as string);
  ctx.server.clients.pause(untilMs, mode);
  ctx.reply.ok();
}

function clientUnpause(ctx: CommandContext): void {
  ctx.server.clients.unpause();
  ctx.reply.ok();
}

/**
 * CLIENT REPLY: ON answers +OK; OFF and SKIP answer nothing (OFF is dropped by dispatch, SKIP
 * writes no reply at all and dispatch drops the next command's), exactly like Redis.
 */
function clientReply(ctx: CommandContext, argv: string[]): void {
  const mode = argv[2] as string;
  if (isOption(mode, 'on')) {
    ctx.client.replyMode = 'on';
    ctx.reply.ok();
  } else if (isOption(mode, 'off')) {
    ctx.client.replyMode = 'off';
  } else if (isOption(mode, 'skip')) {
    if (ctx.client.replyMode !== 'off') ctx.client.replyMode = 'skip';
  } else {
    throw new ReplyError(Errors.syntax);
  }
}

function clientNoEvict(ctx: CommandContext, argv: string[]): void {
  if (isOption(argv[2], 'on')) ctx.client.noEvict = true;
  else if (isOption(argv[2], 'off')) ctx.client.noEvict = false;
  else throw new ReplyError(Errors.syntax);
  ctx.reply.ok();
}

export const clientCommand: CommandDefinition = {
  name: 'client',
  subcommands: [
    { name: 'id', handler: clientId },
    { name: 'setname', handler: clientSetname },
    { name: 'getname', handler: clientGetname },
    { name: 'list', handler: clientList },
    { name: 'info', handler: clientInfo },
    { name: 'kill', handler: clientKill },
    { name: 'pause', handler: clientPause },
    { name: 'unpause', handler: clientUnpause },
    { name: 'reply', handler: clientReply },
    { name: 'no-evict', handler: clientNoEvict },
    { name: 'unblock', handler: clientUnblock },
    { name: 'help', handler: (ctx) => writeHelp(ctx.reply, clientHelp) },
  ],
};

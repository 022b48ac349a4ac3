import { Errors, ReplyError, cStringArg } from '../lib/errors.js';
import type { CommandContext, CommandDefinition } from './context.js';
import { isOption, parseInt32, parseInt64 } from './parse.js';
import { isSubscribedResp2 } from './pubsub.js';

/** Client names: printable ASCII without spaces (Redis's validateClientName). */
export function validateClientName(name: string): void {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 33 || c > 126) throw new ReplyError('ERR Client names cannot contain spaces, newlines or special characters.');
  }
}

function ping(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 2) throw new ReplyError(Errors.wrongArity('ping'));
  if (isSubscribedResp2(ctx)) {
    ctx.reply.array(2);
    ctx.reply.bulk('pong');
    ctx.reply.bulk(argv[1] ?? '');
    return;
  }
  if (argv.length === 1) ctx.reply.simple('PONG');
  else ctx.reply.bulk(argv[1] as string);
}

function echo(ctx: CommandContext, argv: string[]): void {
  ctx.reply.bulk(argv[1] as string);
}

function quit(ctx: CommandContext): void {
  ctx.reply.ok();
  ctx.client.closeAfterReply = true;
}

/** Checks a password for a user: only `default` exists until ACLs land. */
function checkCredentials(ctx: CommandContext, user: string, password: string): void {
  const required = ctx.server.config.value('requirepass');
  const ok = user === 'default' && (required === '' || password === required);
  if (!ok) throw new ReplyError(Errors.wrongPass);
  ctx.client.authenticated = true;
  ctx.client.user = user;
}

function auth(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 3) throw new ReplyError(Errors.syntax);
  if (argv.length === 2) {
    if (ctx.server.config.value('requirepass') === '') throw new ReplyError(Errors.authNotConfigured);
    checkCredentials(ctx, 'default', argv[1] as string);
  } else {
    checkCredentials(ctx, argv[1] as string, argv[2] as string);
  }
  ctx.reply.ok();
}

function hello(ctx: CommandContext, argv: string[]): void {
  let version: 2 | 3 | undefined;
  let next = 1;
  if (argv.length >= 2) {
    const requested = parseInt64(argv[1] as string, 'ERR Protocol version is not an integer or out of range');
    next = 2;
    if (requested < 2n || requested > 3n) throw new ReplyError(Errors.noProto);
    version = Number(requested) as 2 | 3;
  }
  let user: string | undefined;
  let password: string | undefined;
  let name: string | undefined;
  for (let i = next; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const option = argv[i] as string;
    if (isOption(option, 'auth') && more >= 2) {
      user = argv[i + 1];
      password = argv[i + 2];
      i += 2;
    } else if (isOption(option, 'setname') && more >= 1) {
      name = argv[i + 1] as string;
      validateClientName(name);
      i++;
    } else {
      throw new ReplyError(`ERR Syntax error in HELLO option '${cStringArg(option)}'`);
    }
  }
  if (user !== undefined && password !== undefined) checkCredentials(ctx, user, password);
  if (!ctx.client.authenticated) {
    throw new ReplyError(
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
  }
  if (version !== undefined) {
    ctx.client.protocol = version;
    ctx.reply.protocol = version;
  }
  if (name !== undefined) ctx.client.name = name;
  const reply = ctx.reply;
  reply.map(7);
  reply.bulk('server');
  reply.bulk('redis');
  reply.bulk('version');
  reply.bulk('7.0.15');
  reply.bulk('proto');
  reply.integer(ctx.client.protocol);
  reply.bulk('id');
  reply.integer(ctx.client.id);
  reply.bulk('mode');
  reply.bulk(ctx.server.config.value('cluster-enabled') === 'yes' ? 'cluster' : 'standalone');
  reply.bulk('role');
  reply.bulk('master');
  reply.bulk('modules');
  reply.array(0);
}

function select(ctx: CommandContext, argv: string[]): void {
  const index = parseInt32(argv[1] as string);
  if (ctx.server.config.value('cluster-enabled') === 'yes' && index !== 0) throw new ReplyError(Errors.selectNotAllowedInCluster);
  if (index < 0 || index >= ctx.keyspace.databases.length) throw new ReplyError(Errors.dbIndexOutOfRange);
  ctx.client.dbIndex = index;
  ctx.reply.ok();
}

function reset(ctx: CommandContext): void {
  const client = ctx.client;
  ctx.server.transactions.discard(client);
  ctx.server.transactions.unwatch(client);
  ctx.server.pubsub.removeAll(client);
  client.dbIndex = 0;
  client.protocol = 2;
  ctx.reply.protocol = 2;
  client.name = '';
  client.replyMode = 'on';
  client.noEvict = false;
  client.user = 'default';
  client.authenticated = ctx.server.config.value('requirepass') === '';
  client.clusterAsking = false;
  client.clusterReadonly = false;
  ctx.reply.simple('RESET');
}

export const connectionCommands: readonly CommandDefinition[] = [
  { name: 'ping', handler: ping },
  { name: 'echo', handler: echo },
  { name: 'quit', handler: quit },
  { name: 'auth', handler: auth },
  { name: 'hello', handler: hello },
  { name: 'select', handler: select },
  { name: 'reset', handler: reset },
];

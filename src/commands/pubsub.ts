import { ReplyError } from '../lib/errors.js';
import type { CommandContext, CommandDefinition } from './context.js';
import type { SubscriptionKind } from './server-facade.js';
import { writeHelp } from './server/spec-emitter.js';
import { subcommandSyntaxError } from './server/subcommand-error.js';

/**
 * Pub/sub: SUBSCRIBE family, PUBLISH, SPUBLISH, PUBSUB. Subscription replies are pushes
 * (RESP3 `>`, RESP2 arrays); RESP2 subscriber mode is enforced by the dispatcher.
 */

const replyWords: Record<SubscriptionKind, [string, string]> = {
  channel: ['subscribe', 'unsubscribe'],
  pattern: ['psubscribe', 'punsubscribe'],
  shard: ['ssubscribe', 'sunsubscribe'],
};

function writeEvent(ctx: CommandContext, word: string, name: string | null, count: number): void {
  ctx.reply.push(3);
  ctx.reply.bulk(word);
  ctx.reply.bulk(name);
  ctx.reply.integer(count);
}

function subscriber(kind: SubscriptionKind) {
  return (ctx: CommandContext, argv: string[]): void => {
    const hub = ctx.server.pubsub;
    for (let i = 1; i < argv.length; i++) {
      const name = argv[i] as string;
      hub.add(ctx.client, kind, name);
      writeEvent(ctx, replyWords[kind][0], name, hub.count(ctx.client, kind));
    }
  };
}

function unsubscriber(kind: SubscriptionKind) {
  return (ctx: CommandContext, argv: string[]): void => {
    const hub = ctx.server.pubsub;
    const names = argv.length > 1 ? argv.slice(1) : hub.names(ctx.client, kind);
    if (names.length === 0) {
      writeEvent(ctx, replyWords[kind][1], null, hub.count(ctx.client, kind));
      return;
    }
    for (const name of names) {
      hub.remove(ctx.client, kind, name);
      writeEvent(ctx, replyWords[kind][1], name, hub.count(ctx.client, kind));
    }
  };
}

/** In cluster mode the message also goes on the bus: to every node, or (SPUBLISH) to the shard. */
function publish(ctx: CommandContext, argv: string[]): void {
  ctx.reply.integer(ctx.server.pubsub.publish(argv[1] as string, argv[2] as string));
  ctx.server.cluster?.publish(argv[1] as string, argv[2] as string, false);
}

function spublish(ctx: CommandContext, argv: string[]): void {
  ctx.reply.integer(ctx.server.pubsub.publishShard(argv[1] as string, argv[2] as string));
  ctx.server.cluster?.publish(argv[1] as string, argv[2] as string, true);
}

function channels(kind: 'channel' | 'shard') {
  return (ctx: CommandContext, argv: string[]): void => {
    if (argv.length > 3) throw new ReplyError(subcommandSyntaxError(argv));
    ctx.reply.bulkArray(ctx.server.pubsub.activeChannels(kind, argv[2]));
  };
}

function numsub(kind: 'channel' | 'shard') {
  return (ctx: CommandContext, argv: string[]): void => {
    const names = argv.slice(2);
    ctx.reply.map(names.length);
    for (const name of names) {
      ctx.reply.bulk(name);
      ctx.reply.integer(ctx.server.pubsub.subscribersOf(kind, name));
    }
  };
}

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  '    Return the currently active shard level channels matching a <pattern> (default: \'*\').',
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

/** PING in RESP2 subscriber mode answers ["pong", message] (Redis's pingCommand). */
export function isSubscribedResp2(ctx: CommandContext): boolean {
  return ctx.client.protocol === 2 && ctx.server.pubsub.isSubscribed(ctx.client);
}

export const pubsubCommands: readonly CommandDefinition[] = [
  { name: 'subscribe', handler: subscriber('channel') },
  { name: 'psubscribe', handler: subscriber('pattern') },
  { name: 'ssubscribe', handler: subscriber('shard') },
  { name: 'unsubscribe', handler: unsubscriber('channel') },
  { name: 'punsubscribe', handler: unsubscriber('pattern') },
  { name: 'sunsubscribe', handler: unsubscriber('shard') },
  { name: 'publish', handler: publish },
  { name: 'spublish', handler: spublish },
  {
    name: 'pubsub',
    subcommands: [
      { name: 'channels', handler: channels('channel') },
      { name: 'shardchannels', handler: channels('shard') },
      { name: 'numsub', handler: numsub('channel') },
      { name: 'shardnumsub', handler: numsub('shard') },
      { name: 'numpat', handler: (ctx) => ctx.reply.integer(ctx.server.pubsub.patternCount) },
      { name: 'help', handler: (ctx) => writeHelp(ctx.reply, PUBSUB_HELP) },
    ],
  },
];


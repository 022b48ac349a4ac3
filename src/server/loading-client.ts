import type { Command } from '../commands/table.js';
import { ReplyWriter } from '../resp/reply-writer.js';
import { call, Context, type DispatchHost } from './dispatch.js';
import { createInternalClient } from './internal-client.js';

/**
 * The client that replays an AOF (Redis's createAOFClient): it runs each command straight
 * through the handler, like Redis's loader calling cmd->proc, without the checks a network
 * client goes through (auth, OOM, arity was checked when the command was first accepted).
 * MULTI queues until EXEC; replies are dropped; a blocking command never blocks.
 */
export function openLoadingClient(host: DispatchHost): (argv: string[]) => boolean {
  const writer = new ReplyWriter();
  // Replayed commands are not routed (Redis's mustObeyClient): the cluster flags are never read.
  const client = createInternalClient(writer, 'aof', true);
  const context = new Context(client, host);
  context.mayBlock = false;
  client.dispatchContext = context;
  let queued: Array<[Command, string[]]> | undefined;
  return (argv) => {
    const name = (argv[0] as string).toLowerCase();
    let command = host.commands.lookup(name);
    if (command === undefined) return false;
    if (command.subcommands !== undefined && argv.length >= 2) {
      command = command.subcommands.get((argv[1] as string).toLowerCase());
      if (command === undefined) return false;
    }
    if (name === 'multi') queued = [];
    else if (name === 'discard') queued = undefined;
    else if (name === 'exec') {
      const transaction = queued ?? [];
      queued = undefined;
      host.lastCommandEndMs = performance.now();
      for (const [inner, innerArgv] of transaction) call(host, client, inner, innerArgv, false);
    } else if (queued !== undefined) queued.push([command, argv]);
    else {
      host.lastCommandEndMs = performance.now();
      call(host, client, command, argv, false);
    }
    writer.take();
    return true;
  };
}

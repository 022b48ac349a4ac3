/**
 * The cluster state machine's one entry point: step(state, input, env) → { state, effects, reply }.
 * After every input it does what Redis's clusterBeforeSleep does with the flags the input set:
 * refresh cluster_state, then save nodes.conf (once, fsync if any change asked for it).
 */
import { unreachable } from '../../lib/assert.js';
import { runCommand } from './commands.js';
import { NodeFlag } from '../node-flags.js';
import { StepContext, Todo } from './context.js';
import { clusterCron } from './cron.js';
import { updateClusterState } from './health.js';
import { linkAccepted, linkClosed, linkConnected } from './link-events.js';
import { processMessage } from './process-message.js';
import type { ClusterInput, ClusterState, CommandReply, StepEnv, StepResult } from './types.js';

export function step(state: ClusterState, input: ClusterInput, env: StepEnv): StepResult {
  const ctx = new StepContext(state, env);
  let reply: CommandReply | undefined;
  switch (input.kind) {
    case 'tick':
      clusterCron(ctx);
      break;
    case 'message':
      processMessage(ctx, input.linkId, input.message);
      break;
    case 'linkAccepted':
      linkAccepted(ctx, input.linkId, input.peerIp, input.localIp);
      break;
    case 'linkConnected':
      linkConnected(ctx, input.linkId, input.localIp);
      break;
    case 'linkClosed':
      linkClosed(ctx, input.linkId);
      break;
    case 'command':
      reply = runCommand(ctx, input.command, input.context ?? {});
      break;
    case 'settings':
      applySettings(ctx, input.settings);
      break;
    default:
      unreachable(input);
  }
  beforeSleep(ctx);
  const config = ctx.draft.finish();
  const next: ClusterState =
    config === state.config && ctx.settings === state.settings ? state : { config, runtime: state.runtime, settings: ctx.settings };
  return reply === undefined ? { state: next, effects: ctx.effects } : { state: next, effects: ctx.effects, reply };
}

function beforeSleep(ctx: StepContext): void {
  const todo = ctx.todo;
  ctx.todo = 0;
  if ((todo & Todo.updateState) !== 0) updateClusterState(ctx);
  if ((todo & Todo.saveConfig) !== 0) ctx.effects.push({ kind: 'saveConfig', fsync: (todo & Todo.fsyncConfig) !== 0 });
}

/**
 * CONFIG SET of cluster directives: myself's announced address follows at once
 * (clusterUpdateMyselfAnnouncedPorts / Ip; the hostname follows on the next tick, as in Redis).
 */
function applySettings(ctx: StepContext, settings: ClusterState['settings']): void {
  const previous = ctx.settings;
  ctx.settings = settings;
  const me = ctx.draft.myself;
  const port = settings.announcePort !== 0 ? settings.announcePort : settings.port;
  const pport = settings.announcePport !== 0 ? settings.announcePport : settings.pport;
  const busPort = settings.announceBusPort !== 0 ? settings.announceBusPort : settings.busPort;
  ctx.draft.updateNode(me.id, { port, pport, busPort });
  // clusterUpdateMyselfFlags: NOFAILOVER follows cluster-replica-no-failover.
  const flags = (me.flags & ~NodeFlag.nofailover) | (settings.replicaNoFailover === true ? NodeFlag.nofailover : 0);
  if (flags !== me.flags) {
    ctx.draft.updateNode(me.id, { flags });
    ctx.doBeforeSleep(Todo.saveConfig | Todo.updateState);
  }
  if (settings.announceIp !== previous.announceIp) ctx.draft.updateNode(me.id, { ip: settings.announceIp });
  if (settings.requireFullCoverage !== previous.requireFullCoverage) ctx.doBeforeSleep(Todo.updateState);
}

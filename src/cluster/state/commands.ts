/**
 * The CLUSTER subcommands that change the state (clusterCommand in Redis 7.0 src/cluster.c), with
 * Redis's error texts. Arguments arrive parsed (slots range-checked, numbers parsed) by the I/O side.
 */
import { MessageType } from '../bus/constants.js';
import { isMaster, isReplica, isValidNodeId } from '../config.js';
import { CLUSTER_PORT_INCR } from '../nodes-conf.js';
import { NodeFlag } from '../node-flags.js';
import { SLOT_COUNT } from '../../lib/hash-slot.js';
import { Todo, type StepContext } from './context.js';
import { blacklistNode } from './forget-blacklist.js';
import { normalizeIp } from './ip-address.js';
import { broadcastLinks, broadcastPong, buildHeader } from './messages.js';
import { addNode, deleteNode, randomNodeId, renameNode, setMyMaster, setNodeAsMaster } from './node-ops.js';
import { bumpConfigEpochWithoutConsensus } from './slots-update.js';
import type { ClusterCommand, ClusterNode, CommandContext, CommandReply, LinkId } from './types.js';

const OK: CommandReply = { kind: 'ok' };
function error(message: string): CommandReply {
  return { kind: 'error', message };
}

/** clusterLookupNode: an id that is not 40 [a-z0-9] characters is simply unknown. */
function lookup(ctx: StepContext, id: string): ClusterNode | undefined {
  return isValidNodeId(id) ? ctx.draft.node(id) : undefined;
}

export function runCommand(ctx: StepContext, command: ClusterCommand, context: CommandContext): CommandReply {
  switch (command.kind) {
    case 'meet':
      return meet(ctx, command.ip, command.port, command.busPort ?? command.port + CLUSTER_PORT_INCR);
    case 'addSlots':
    case 'delSlots':
      return updateSlots(ctx, command.slots, command.kind === 'delSlots');
    case 'flushSlots':
      if ((context.keyCount?.() ?? 0) !== 0) return error('ERR DB must be empty to perform CLUSTER FLUSHSLOTS.');
      ctx.draft.deleteNodeSlots(ctx.draft.myselfId);
      ctx.doBeforeSleep(Todo.updateState | Todo.saveConfig);
      return OK;
    case 'setSlot':
      return setSlot(ctx, command, context);
    case 'forget':
      return forget(ctx, command.nodeId);
    case 'reset':
      return reset(ctx, command.hard, context);
    case 'bumpEpoch': {
      const bumped = bumpConfigEpochWithoutConsensus(ctx);
      return { kind: 'status', text: `${bumped ? 'BUMPED' : 'STILL'} ${ctx.draft.myself.configEpoch}` };
    }
    case 'setConfigEpoch':
      return setConfigEpoch(ctx, command.configEpoch);
    case 'saveConfig':
      ctx.effects.push({ kind: 'saveConfig', fsync: true });
      return OK;
    case 'replicate':
      return replicate(ctx, command.nodeId, context);
    case 'publish':
      publish(ctx, command.channel, command.message, command.shard);
      return OK;
  }
}

/** clusterStartHandshake: a node with a random id, flagged HANDSHAKE|MEET; the cron connects. */
function meet(ctx: StepContext, ipText: string, port: number, busPort: number): CommandReply {
  const ip = normalizeIp(ipText);
  if (ip === null || port <= 0 || port > 65535 || busPort <= 0 || busPort > 65535) {
    return error(`ERR Invalid node address specified: ${ipText}:${port}`);
  }
  for (const node of ctx.draft.nodes.values()) {
    // Already shaking hands with this address: Redis answers OK and does nothing.
    if ((node.flags & NodeFlag.handshake) !== 0 && node.ip.toLowerCase() === ip.toLowerCase() && node.port === port && node.busPort === busPort) {
      return OK;
    }
  }
  addNode(ctx, { id: randomNodeId(ctx), flags: NodeFlag.handshake | NodeFlag.meet, ip, port, busPort });
  return OK;
}

/** ADDSLOTS / DELSLOTS (and the RANGE forms): all checked first, then applied in slot order. */
function updateSlots(ctx: StepContext, slots: readonly number[], del: boolean): CommandReply {
  const seen = new Uint8Array(SLOT_COUNT);
  for (const slot of slots) {
    const owner = ctx.draft.owner(slot);
    if (del && owner === null) return error(`ERR Slot ${slot} is already unassigned`);
    if (!del && owner !== null) return error(`ERR Slot ${slot} is already busy`);
    const timesSeen = seen[slot] ?? 0;
    seen[slot] = timesSeen + 1;
    if (timesSeen === 1) return error(`ERR Slot ${slot} specified multiple times`);
  }
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    if (seen[slot] === 0) continue;
    // Owning a slot ends its import.
    ctx.draft.setImporting(slot, null);
    if (del) ctx.draft.deleteSlot(slot);
    else ctx.draft.addSlot(slot, ctx.draft.myselfId);
  }
  ctx.doBeforeSleep(Todo.updateState | Todo.saveConfig);
  return OK;
}

function setSlot(ctx: StepContext, command: Extract<ClusterCommand, { kind: 'setSlot' }>, context: CommandContext): CommandReply {
  const me = ctx.draft.myself;
  if (isReplica(me)) return error('ERR Please use SETSLOT only with masters.');
  const slot = command.slot;
  const keysInSlot = (): number => context.keysInSlot?.(slot) ?? 0;
  switch (command.action) {
    case 'migrating': {
      if (ctx.draft.owner(slot) !== me.id) return error(`ERR I'm not the owner of hash slot ${slot}`);
      const target = lookup(ctx, command.nodeId);
      if (target === undefined) return error(`ERR I don't know about node ${command.nodeId}`);
      if (isReplica(target)) return error('ERR Target node is not a master');
      ctx.draft.setMigrating(slot, target.id);
      break;
    }
    case 'importing': {
      if (ctx.draft.owner(slot) === me.id) return error(`ERR I'm already the owner of hash slot ${slot}`);
      const source = lookup(ctx, command.nodeId);
      if (source === undefined) return error(`ERR I don't know about node ${command.nodeId}`);
      if (isReplica(source)) return error('ERR Target node is not a master');
      ctx.draft.setImporting(slot, source.id);
      break;
    }
    case 'stable':
      ctx.draft.setImporting(slot, null);
      ctx.draft.setMigrating(slot, null);
      break;
    case 'node': {
      const target = lookup(ctx, command.nodeId);
      if (target === undefined) return error(`ERR Unknown node ${command.nodeId}`);
      if (isReplica(target)) return error('ERR Target node is not a master');
      if (ctx.draft.owner(slot) === me.id && target.id !== me.id && keysInSlot() !== 0) {
        return error(`ERR Can't assign hashslot ${slot} to a different node while I still hold keys for this hash slot.`);
      }
      // Giving away an empty migrating slot ends the migration.
      if (keysInSlot() === 0 && ctx.draft.migratingTo(slot) !== undefined) ctx.draft.setMigrating(slot, null);
      const slotWasMine = ctx.draft.owner(slot) === me.id;
      ctx.draft.deleteSlot(slot);
      ctx.draft.addSlot(slot, target.id);
      if (slotWasMine && target.id !== me.id && ctx.draft.slotCount(me.id) === 0 && ctx.settings.allowReplicaMigration) {
        ctx.log('warning', `Configuration change detected. Reconfiguring myself as a replica of ${target.id}`);
        setMyMaster(ctx, target.id);
        ctx.doBeforeSleep(Todo.saveConfig | Todo.updateState | Todo.fsyncConfig);
      }
      if (target.id === me.id && ctx.draft.importingFrom(slot) !== undefined) {
        // A slot imported by hand: a new epoch so the cluster takes our claim (collisions are
        // resolved by the usual rule), and tell everybody at once.
        if (bumpConfigEpochWithoutConsensus(ctx)) ctx.log('warning', `configEpoch updated after importing slot ${slot}`);
        ctx.draft.setImporting(slot, null);
        broadcastPong(ctx);
      }
      break;
    }
  }
  ctx.doBeforeSleep(Todo.saveConfig | Todo.updateState);
  return OK;
}

function forget(ctx: StepContext, id: string): CommandReply {
  const node = lookup(ctx, id);
  const me = ctx.draft.myself;
  if (node === undefined) return error(`ERR Unknown node ${id}`);
  if (node.id === me.id) return error("ERR I tried hard but I can't forget myself...");
  if (isReplica(me) && me.masterId === node.id) return error("ERR Can't forget my master!");
  blacklistNode(ctx, node.id);
  deleteNode(ctx, node.id);
  ctx.doBeforeSleep(Todo.updateState | Todo.saveConfig);
  return OK;
}

function replicate(ctx: StepContext, id: string, context: CommandContext): CommandReply {
  const node = lookup(ctx, id);
  const me = ctx.draft.myself;
  if (node === undefined) return error(`ERR Unknown node ${id}`);
  if (node.id === me.id) return error("ERR Can't replicate myself");
  if (isReplica(node)) return error('ERR I can only replicate a master, not a replica.');
  if (isMaster(me) && (ctx.draft.slotCount(me.id) !== 0 || (context.keyCount?.() ?? 0) !== 0)) {
    return error('ERR To set a master the node must be empty and without assigned slots.');
  }
  setMyMaster(ctx, node.id);
  ctx.doBeforeSleep(Todo.updateState | Todo.saveConfig);
  return OK;
}

function setConfigEpoch(ctx: StepContext, epoch: number): CommandReply {
  if (epoch < 0) return error(`ERR Invalid config epoch specified: ${epoch}`);
  if (ctx.draft.nodes.size > 1) return error('ERR The user can assign a config epoch only when the node does not know any other node.');
  const me = ctx.draft.myself;
  if (me.configEpoch !== 0) return error('ERR Node config epoch is already non-zero');
  ctx.draft.updateNode(me.id, { configEpoch: epoch });
  ctx.log('warning', `configEpoch set to ${epoch} via CLUSTER SET-CONFIG-EPOCH`);
  if (ctx.draft.currentEpoch < epoch) ctx.draft.setCurrentEpoch(epoch);
  ctx.doBeforeSleep(Todo.updateState | Todo.saveConfig);
  return OK;
}

/**
 * clusterReset: forget every other node, release all slots, a replica becomes an empty master;
 * HARD also zeroes the epochs and takes a new id.
 */
function reset(ctx: StepContext, hard: boolean, context: CommandContext): CommandReply {
  const me = ctx.draft.myself;
  if (isMaster(me) && (context.keyCount?.() ?? 0) !== 0) return error("ERR CLUSTER RESET can't be called with master nodes containing keys");
  if (isReplica(me)) {
    setNodeAsMaster(ctx, me.id);
    ctx.effects.push({ kind: 'replicaOf', masterId: null });
    ctx.effects.push({ kind: 'flushData' });
  }
  ctx.draft.closeAllSlots();
  for (let slot = 0; slot < SLOT_COUNT; slot++) ctx.draft.deleteSlot(slot);
  for (const id of [...ctx.draft.nodes.keys()]) if (id !== ctx.draft.myselfId) deleteNode(ctx, id);
  if (hard) {
    ctx.draft.setCurrentEpoch(0);
    ctx.draft.setLastVoteEpoch(0);
    ctx.draft.updateNode(ctx.draft.myselfId, { configEpoch: 0 });
    ctx.log('warning', 'configEpoch set to 0 via CLUSTER RESET HARD');
    const newId = randomNodeId(ctx);
    renameNode(ctx, ctx.draft.myselfId, newId);
    ctx.log('notice', `Node hard reset, now I'm ${newId}`);
  }
  ctx.doBeforeSleep(Todo.saveConfig | Todo.updateState | Todo.fsyncConfig);
  return OK;
}

/**
 * clusterPropagatePublish: PUBLISH goes to every node; SPUBLISH to the nodes of my shard (my
 * master or myself, and its replicas).
 */
function publish(ctx: StepContext, channel: string, message: string, shard: boolean): void {
  if (!shard) {
    ctx.broadcast(broadcastLinks(ctx), { header: buildHeader(ctx, MessageType.publish), body: { kind: 'publish', channel, message } });
    return;
  }
  const me = ctx.draft.myself;
  const primaryId = isMaster(me) ? me.id : me.masterId;
  if (primaryId === null) return;
  const links: (LinkId | null)[] = [];
  for (const node of ctx.draft.nodes.values()) {
    const inShard = node.id === primaryId || (isReplica(node) && node.masterId === primaryId);
    if (!inShard || (node.flags & (NodeFlag.myself | NodeFlag.handshake)) !== 0) continue;
    links.push(ctx.runtime.nodes.get(node.id)?.outboundLinkId ?? null);
  }
  ctx.broadcast(links, { header: buildHeader(ctx, MessageType.publishShard), body: { kind: 'publish', channel, message } });
}

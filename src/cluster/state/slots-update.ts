/**
 * Slot ownership by configEpoch (clusterUpdateSlotsConfigWith), configEpoch collisions
 * (clusterHandleConfigEpochCollision) and the unilateral bump (clusterBumpConfigEpochWithoutConsensus).
 */
import { SLOT_COUNT } from '../../lib/hash-slot.js';
import { isMaster, isReplica } from '../config.js';
import { hasSlot } from '../slot-bitmap.js';
import { Todo, type StepContext } from './context.js';
import { setMyMaster } from './node-ops.js';
import type { NodeId } from './types.js';

function notClaimed(ctx: StepContext, slot: number): boolean {
  return ((ctx.runtime.ownerNotClaimingSlot[slot >> 3] ?? 0) & (1 << (slot & 7))) !== 0;
}
function setNotClaimed(ctx: StepContext, slot: number, on: boolean): void {
  const bitmap = ctx.runtime.ownerNotClaimingSlot;
  if (on) bitmap[slot >> 3] = bitmap[slot >> 3]! | (1 << (slot & 7));
  else bitmap[slot >> 3] = bitmap[slot >> 3]! & ~(1 << (slot & 7));
}

/** isSlotUnclaimed: no owner, or the owner stopped claiming it. */
export function isSlotUnclaimed(ctx: StepContext, slot: number): boolean {
  return ctx.draft.owner(slot) === null || notClaimed(ctx, slot);
}

/**
 * A master's claim (from its PING/PONG, or from an UPDATE about it): every slot it claims with a
 * greater configEpoch than the current owner's (or unclaimed, and not importing) becomes its.
 * When myself (or my master) loses its last slot to `senderId`, myself follows it as a replica;
 * otherwise the keys of slots myself lost are dropped.
 */
export function updateSlotsConfigWith(ctx: StepContext, senderId: NodeId, senderConfigEpoch: number, slots: Uint8Array): void {
  const me = ctx.draft.myself;
  if (senderId === me.id) {
    ctx.log('warning', 'Discarding UPDATE message about myself.');
    return;
  }
  const curMasterId = isMaster(me) ? me.id : me.masterId;
  let newMasterId: NodeId | null = null;
  let senderSlots = 0;
  let migratedOurSlots = 0;
  const dirtySlots: number[] = [];

  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const owner = ctx.draft.owner(slot);
    if (hasSlot(slots, slot)) {
      senderSlots++;
      if (owner === senderId) {
        setNotClaimed(ctx, slot, false);
        continue;
      }
      // An importing slot changes only by hand (redis-cli closes it).
      if (ctx.draft.importingFrom(slot) !== undefined) continue;
      const ownerEpoch = owner === null ? 0 : (ctx.draft.node(owner)?.configEpoch ?? 0);
      if (isSlotUnclaimed(ctx, slot) || ownerEpoch < senderConfigEpoch) {
        // Redis marks a lost slot dirty only when it holds keys; the I/O side checks that.
        if (owner === me.id) dirtySlots.push(slot);
        if (owner !== null && owner === curMasterId) {
          newMasterId = senderId;
          migratedOurSlots++;
        }
        ctx.draft.deleteSlot(slot);
        ctx.draft.addSlot(slot, senderId);
        setNotClaimed(ctx, slot, false);
        ctx.doBeforeSleep(Todo.saveConfig | Todo.updateState | Todo.fsyncConfig);
      }
    } else if (owner === senderId) {
      // The owner stopped claiming it: keep the binding (fewer errors for clients), but do not
      // spread this owner in UPDATE messages.
      setNotClaimed(ctx, slot, true);
    }
  }

  const curMasterSlots = curMasterId === null ? 0 : ctx.draft.slotCount(curMasterId);
  const meNow = ctx.draft.myself;
  const myMaster = meNow.masterId === null ? undefined : ctx.draft.node(meNow.masterId);
  if (newMasterId !== null && curMasterSlots === 0 && (ctx.settings.allowReplicaMigration || senderSlots === migratedOurSlots)) {
    ctx.log('warning', `Configuration change detected. Reconfiguring myself as a replica of ${senderId}`);
    setMyMaster(ctx, senderId);
    ctx.doBeforeSleep(Todo.saveConfig | Todo.updateState | Todo.fsyncConfig);
  } else if (myMaster !== undefined && myMaster.masterId !== null && myMaster.masterId !== meNow.id && isReplica(meNow)) {
    ctx.log('warning', `I'm a sub-replica! Reconfiguring myself as a replica of grandmaster ${myMaster.masterId}`);
    setMyMaster(ctx, myMaster.masterId);
    ctx.doBeforeSleep(Todo.saveConfig | Todo.updateState | Todo.fsyncConfig);
  } else if (dirtySlots.length > 0) {
    ctx.effects.push({ kind: 'dropSlotKeys', slots: dirtySlots });
  }
}

/**
 * Two masters with one configEpoch: the one with the smaller node id takes currentEpoch + 1, so
 * the greatest id never moves and all end distinct.
 */
export function handleConfigEpochCollision(ctx: StepContext, senderId: NodeId): void {
  const sender = ctx.draft.node(senderId);
  const me = ctx.draft.myself;
  if (sender === undefined || sender.configEpoch !== me.configEpoch || !isMaster(sender) || !isMaster(me)) return;
  if (sender.id <= me.id) return;
  const epoch = ctx.draft.currentEpoch + 1;
  ctx.draft.setCurrentEpoch(epoch);
  ctx.draft.updateNode(me.id, { configEpoch: epoch });
  ctx.doBeforeSleep(Todo.saveConfig | Todo.fsyncConfig);
  ctx.log('verbose', `WARNING: configEpoch collision with node ${sender.id}. configEpoch set to ${epoch}`);
}

/** clusterBumpConfigEpochWithoutConsensus: true when a new epoch was taken. */
export function bumpConfigEpochWithoutConsensus(ctx: StepContext): boolean {
  let max = ctx.draft.currentEpoch;
  for (const node of ctx.draft.nodes.values()) max = Math.max(max, node.configEpoch);
  const me = ctx.draft.myself;
  if (me.configEpoch !== 0 && me.configEpoch === max) return false;
  const epoch = ctx.draft.currentEpoch + 1;
  ctx.draft.setCurrentEpoch(epoch);
  ctx.draft.updateNode(me.id, { configEpoch: epoch });
  ctx.doBeforeSleep(Todo.saveConfig | Todo.fsyncConfig);
  ctx.log('warning', `New configEpoch set to ${epoch}`);
  return true;
}

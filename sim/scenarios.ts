/**
 * Scenarios: how many nodes, what happens when (commands, faults), and what must be true once the
 * network has been reliable for a while. Each run has a faulty phase (drops, duplicates, delays,
 * maybe a partition) and then a reliable phase in which the liveness checks must pass in time.
 */
import { SLOT_COUNT } from '../src/lib/hash-slot.js';
import { SeededRandom } from '../src/lib/random.js';
import { ClusterSim, InvariantViolation, SIM_START_MS } from './cluster-sim.js';
import { allClusterStatesOk, allNodesKnowEachOther, checkStep, rolesAgree, sameSlotOwners, uniqueConfigEpochs } from './invariants.js';
import { randomFaultProfile, RELIABLE, type FaultProfile } from './network.js';

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** How long after healing the checks may take to pass (default CONVERGENCE_DEADLINE_MS). */
  readonly deadlineMs?: number;
  /** Schedules the scenario's actions; returns the liveness check (null = converged). */
  setup(sim: ClusterSim, plan: Plan): () => string | null;
}

export interface Plan {
  readonly nodeCount: number;
  readonly profile: FaultProfile;
  /** When the network turns reliable (ms after start). */
  readonly healAtMs: number;
  /** A partition during the faulty phase, or null. */
  readonly partition: { readonly groups: number[][]; readonly fromMs: number; readonly toMs: number } | null;
}

/** After healing, the checks must pass within this much simulated time. */
export const CONVERGENCE_DEADLINE_MS = 60_000;
const CHECK_EVERY_MS = 250;
/**
 * The operator retries the MEETs once the network is back and any handshake begun before has
 * timed out (a MEET to an address already in handshake is a no-op, and Redis does not retry a
 * MEET lost to faults).
 */
const REMEET_AFTER_HEAL_MS = 2500;

function meetChain(sim: ClusterSim, atMs: number): void {
  for (let i = 0; i + 1 < sim.nodes.length; i++) {
    const target = sim.nodes[i + 1]!;
    sim.at(atMs, `node ${i} MEET node ${i + 1}`, () => {
      sim.command(i, { kind: 'meet', ip: target.ip, port: target.port, busPort: target.busPort });
    });
  }
}

function first(...checks: (() => string | null)[]): () => string | null {
  return () => {
    for (const check of checks) {
      const problem = check();
      if (problem !== null) return problem;
    }
    return null;
  };
}

/** Splits slots [0, 16384) into `parts` contiguous ranges at random cut points. */
function cutRanges(random: SeededRandom, parts: number, firstSize?: number): { start: number; end: number }[] {
  const cuts = new Set<number>(firstSize === undefined || parts < 2 ? [] : [firstSize]);
  while (cuts.size < parts - 1) cuts.add(1 + random.int(SLOT_COUNT - 1));
  const points = [0, ...[...cuts].sort((a, b) => a - b), SLOT_COUNT];
  return points.slice(0, -1).map((start, i) => ({ start, end: points[i + 1]! - 1 }));
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

/**
 * Cuts the slots into one contiguous range per owner (node indexes), runs ADDSLOTS on each owner
 * now, and returns the ranges and the owner table every node must end with.
 */
function assignAllSlots(
  sim: ClusterSim,
  random: SeededRandom,
  owners: readonly number[],
  firstSize?: number,
): { ranges: { start: number; end: number }[]; expected: (string | null)[] } {
  const ranges = cutRanges(random, owners.length, firstSize);
  const expected = new Array<string | null>(SLOT_COUNT).fill(null);
  ranges.forEach((r, k) => {
    const index = owners[k]!;
    for (let slot = r.start; slot <= r.end; slot++) expected[slot] = sim.nodes[index]!.state.config.myselfId;
    sim.command(index, { kind: 'addSlots', slots: range(r.start, r.end) });
  });
  return { ranges, expected };
}

/** Runs `action` once `ready()` holds, checking every 500 ms of simulated time from `fromMs`. */
function whenReady(sim: ClusterSim, fromMs: number, label: string, ready: () => boolean, action: () => void): void {
  const attempt = (): void => {
    if (ready()) action();
    else sim.at(sim.nowMs - SIM_START_MS + 500, `${label}: not yet`, attempt);
  };
  sim.at(fromMs, label, attempt);
}

function indexes(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'meet-chain',
    description: 'N nodes MEET in a chain; every node learns every other',
    setup(sim, plan) {
      meetChain(sim, 1);
      meetChain(sim, plan.healAtMs + REMEET_AFTER_HEAL_MS);
      return allNodesKnowEachOther.bind(null, sim);
    },
  },
  {
    name: 'slots',
    description: 'slots assigned on some nodes converge to the same owner map everywhere; cluster_state ok when all are covered',
    setup(sim, plan) {
      const random = new SeededRandom(sim.random.int(2 ** 31));
      meetChain(sim, 1);
      meetChain(sim, plan.healAtMs + REMEET_AFTER_HEAL_MS);
      const owners = random.int(sim.nodes.length) + 1;
      const ranges = cutRanges(random, owners + 1);
      const full = random.next() < 0.5;
      const expected = new Array<string | null>(SLOT_COUNT).fill(null);
      ranges.forEach((r, i) => {
        // The last range stays unassigned unless the run wants full coverage.
        const ownerIndex = i < owners ? i : full ? owners - 1 : -1;
        if (ownerIndex < 0) return;
        const node = sim.nodes[ownerIndex]!;
        for (let slot = r.start; slot <= r.end; slot++) expected[slot] = node.state.config.myselfId;
        sim.at(random.int(plan.healAtMs + 5000), `node ${ownerIndex} ADDSLOTSRANGE ${r.start} ${r.end}`, () => {
          const reply = sim.command(ownerIndex, { kind: 'addSlots', slots: range(r.start, r.end) });
          if (reply.kind !== 'ok') throw new InvariantViolation(`ADDSLOTS failed: ${JSON.stringify(reply)}`);
        });
      });
      const checks = [allNodesKnowEachOther.bind(null, sim), () => sameSlotOwners(sim, expected), () => uniqueConfigEpochs(sim)];
      if (full) checks.push(() => allClusterStatesOk(sim));
      return first(...checks);
    },
  },
  {
    name: 'contested-slots',
    description: 'several nodes claim overlapping slots; all nodes end with one owner map and distinct epochs',
    setup(sim, plan) {
      const random = new SeededRandom(sim.random.int(2 ** 31));
      meetChain(sim, 1);
      meetChain(sim, plan.healAtMs + REMEET_AFTER_HEAL_MS);
      const claimants = Math.min(sim.nodes.length, 2 + random.int(3));
      for (let i = 0; i < claimants; i++) {
        const start = random.int(SLOT_COUNT - 200);
        const end = start + random.int(200);
        sim.at(random.int(plan.healAtMs + 3000), `node ${i} ADDSLOTSRANGE ${start} ${end} (contested)`, () => {
          // A slot this node already sees as busy is refused: claim only what it sees free.
          const free = range(start, end).filter((slot) => sim.nodes[i]!.state.config.slotOwners[slot] === null);
          if (free.length > 0) sim.command(i, { kind: 'addSlots', slots: free });
        });
      }
      return first(allNodesKnowEachOther.bind(null, sim), () => sameSlotOwners(sim), () => uniqueConfigEpochs(sim));
    },
  },
  {
    name: 'epoch-collision',
    description: 'masters that start with one configEpoch end with distinct configEpochs',
    setup(sim, plan) {
      const random = new SeededRandom(sim.random.int(2 ** 31));
      const epoch = 1 + random.int(5);
      sim.nodes.forEach((node, i) => {
        const reply = sim.command(i, { kind: 'setConfigEpoch', configEpoch: epoch });
        if (reply.kind !== 'ok') throw new InvariantViolation(`SET-CONFIG-EPOCH failed: ${JSON.stringify(reply)}`);
        const slot = i * 10;
        sim.command(i, { kind: 'addSlots', slots: [slot] });
        void node;
      });
      meetChain(sim, 1);
      meetChain(sim, plan.healAtMs + REMEET_AFTER_HEAL_MS);
      return first(allNodesKnowEachOther.bind(null, sim), () => uniqueConfigEpochs(sim), () => sameSlotOwners(sim));
    },
  },
  {
    name: 'replicas',
    description: 'half the nodes own the slots, the others REPLICATE them; everyone agrees on roles, masters and owners',
    setup(sim, plan) {
      const random = new SeededRandom(sim.random.int(2 ** 31));
      const masters = Math.ceil(sim.nodes.length / 2);
      const { expected } = assignAllSlots(sim, random, indexes(masters));
      meetChain(sim, 1);
      meetChain(sim, plan.healAtMs + REMEET_AFTER_HEAL_MS);
      for (let i = masters; i < sim.nodes.length; i++) {
        const replica = i;
        const masterId = sim.nodes[random.int(masters)]!.state.config.myselfId;
        // REPLICATE needs the master known: retry every second until it is.
        const attempt = (): void => {
          const reply = sim.command(replica, { kind: 'replicate', nodeId: masterId });
          if (reply.kind === 'error') sim.at(sim.nowMs - SIM_START_MS + 1000, `node ${replica} REPLICATE (retry)`, attempt);
        };
        sim.at(random.int(plan.healAtMs + 8000), `node ${replica} REPLICATE ${masterId}`, attempt);
      }
      const replicasReplicate = (): string | null => {
        for (let i = masters; i < sim.nodes.length; i++) {
          const config = sim.nodes[i]!.state.config;
          if (config.nodes.get(config.myselfId)!.masterId === null) return `node ${i} is not a replica yet`;
        }
        return null;
      };
      return first(allNodesKnowEachOther.bind(null, sim), replicasReplicate, rolesAgree.bind(null, sim), () => sameSlotOwners(sim, expected), () => uniqueConfigEpochs(sim), () => allClusterStatesOk(sim));
    },
  },
  {
    name: 'resharding',
    description: 'slots moved as redis-cli does (IMPORTING, MIGRATING, NODE on target, source, all) end owned by the target everywhere',
    setup(sim, plan) {
      const random = new SeededRandom(sim.random.int(2 ** 31));
      const { ranges, expected } = assignAllSlots(sim, random, indexes(sim.nodes.length));
      meetChain(sim, 1);
      meetChain(sim, plan.healAtMs + REMEET_AFTER_HEAL_MS);
      const source = random.int(sim.nodes.length);
      const target = (source + 1 + random.int(sim.nodes.length - 1)) % sim.nodes.length;
      const from = ranges[source]!;
      const count = 1 + random.int(Math.min(20, from.end - from.start));
      const moved = range(from.start, from.start + count - 1);
      const sourceId = sim.nodes[source]!.state.config.myselfId;
      const targetId = sim.nodes[target]!.state.config.myselfId;
      for (const slot of moved) expected[slot] = targetId;
      let done = false;
      // Like an operator, wait until the cluster has settled (everyone known, epochs distinct),
      // then move the slots in one go, faults or not.
      const settled = (): boolean => allNodesKnowEachOther(sim) === null && uniqueConfigEpochs(sim) === null;
      whenReady(sim, 1000, 'resharding', settled, () => {
        const must = (index: number, command: Parameters<ClusterSim['command']>[1]): void => {
          const reply = sim.command(index, command);
          if (reply.kind === 'error') throw new InvariantViolation(`node ${index} ${JSON.stringify(command)}: ${reply.message}`);
        };
        for (const slot of moved) {
          must(target, { kind: 'setSlot', slot, action: 'importing', nodeId: sourceId });
          must(source, { kind: 'setSlot', slot, action: 'migrating', nodeId: targetId });
          must(target, { kind: 'setSlot', slot, action: 'node', nodeId: targetId });
          must(source, { kind: 'setSlot', slot, action: 'node', nodeId: targetId });
          sim.nodes.forEach((_, i) => {
            if (i !== source && i !== target) must(i, { kind: 'setSlot', slot, action: 'node', nodeId: targetId });
          });
        }
        sim.log(`moved slots ${moved[0]}-${moved.at(-1)} from node ${source} to node ${target}`);
        done = true;
      });
      const movedCheck = (): string | null => (done ? null : 'slots not moved yet');
      const noOpenSlots = (): string | null => {
        for (const node of sim.nodes) {
          const { migratingTo, importingFrom } = node.state.config;
          if (migratingTo.size + importingFrom.size > 0) return `node ${node.index} still has open slots`;
        }
        return null;
      };
      return first(movedCheck, allNodesKnowEachOther.bind(null, sim), () => sameSlotOwners(sim, expected), noOpenSlots, () => uniqueConfigEpochs(sim), () => allClusterStatesOk(sim));
    },
  },
  {
    name: 'takeover',
    description: 'while a master is cut off, its slots are given to another node (epoch bump); after healing (UPDATEs, the new owner\'s claims) the stale master becomes a replica of the new owner',
    setup(sim, plan) {
      const random = new SeededRandom(sim.random.int(2 ** 31));
      const stale = random.int(sim.nodes.length);
      // The stale master owns a few slots (one SETSLOT per slot per node: keep the run short).
      const owners = [stale, ...indexes(sim.nodes.length).filter((i) => i !== stale)];
      const { ranges, expected } = assignAllSlots(sim, random, owners, 1 + random.int(64));
      meetChain(sim, 1);
      meetChain(sim, plan.healAtMs + REMEET_AFTER_HEAL_MS);
      const heir = (stale + 1 + random.int(sim.nodes.length - 1)) % sim.nodes.length;
      const staleId = sim.nodes[stale]!.state.config.myselfId;
      const heirId = sim.nodes[heir]!.state.config.myselfId;
      const taken = range(ranges[0]!.start, ranges[0]!.end);
      for (const slot of taken) expected[slot] = heirId;
      let done = false;
      const settled = (): boolean =>
        sim.nowMs - SIM_START_MS > plan.healAtMs + REMEET_AFTER_HEAL_MS && allNodesKnowEachOther(sim) === null && uniqueConfigEpochs(sim) === null;
      whenReady(sim, 1000, 'takeover', settled, () => {
        const others = indexes(sim.nodes.length).filter((i) => i !== stale);
        sim.network.partition([[stale], others]);
        const isolatedMs = 1000 + random.int(8000);
        sim.at(sim.nowMs - SIM_START_MS + 500, `node ${heir} takes the slots of node ${stale}`, () => {
          for (const slot of taken) {
            sim.command(heir, { kind: 'setSlot', slot, action: 'importing', nodeId: staleId });
            sim.command(heir, { kind: 'setSlot', slot, action: 'node', nodeId: heirId });
            for (const i of others) if (i !== heir) sim.command(i, { kind: 'setSlot', slot, action: 'node', nodeId: heirId });
          }
          done = true;
        });
        sim.at(sim.nowMs - SIM_START_MS + 500 + isolatedMs, `node ${stale} reachable again`, () => sim.network.heal());
      });
      const staleFollows = (): string | null => {
        const config = sim.nodes[stale]!.state.config;
        return done && config.nodes.get(config.myselfId)!.masterId === heirId ? null : `node ${stale} is not a replica of node ${heir} yet`;
      };
      return first(staleFollows, allNodesKnowEachOther.bind(null, sim), () => sameSlotOwners(sim, expected), rolesAgree.bind(null, sim), () => uniqueConfigEpochs(sim), () => allClusterStatesOk(sim));
    },
  },
  {
    name: 'forget',
    description: 'a slot-less node removed as redis-cli del-node does (FORGET on every node, then shutdown) is not re-learned, even after the 60 s ban',
    deadlineMs: 120_000,
    setup(sim, plan) {
      const random = new SeededRandom(sim.random.int(2 ** 31));
      const victim = random.int(sim.nodes.length);
      const victimId = sim.nodes[victim]!.state.config.myselfId;
      const owners = indexes(sim.nodes.length).filter((i) => i !== victim);
      const { expected } = assignAllSlots(sim, random, owners);
      meetChain(sim, 1);
      meetChain(sim, plan.healAtMs + REMEET_AFTER_HEAL_MS);
      let removedAtMs = -1;
      // Remove it once everybody knows everybody (else there is nothing to forget), after the
      // operator's MEETs.
      whenReady(sim, plan.healAtMs + REMEET_AFTER_HEAL_MS + 1000, 'forget', () => allNodesKnowEachOther(sim) === null, () => {
        removedAtMs = sim.nowMs;
        for (const i of owners) {
          sim.at(sim.nowMs - SIM_START_MS + random.int(3000), `node ${i} FORGET node ${victim}`, () => {
            sim.command(i, { kind: 'forget', nodeId: victimId });
          });
        }
        sim.at(sim.nowMs - SIM_START_MS + 3500, `shut down node ${victim}`, () => sim.crash(victim));
      });
      const banExpired = (): string | null =>
        removedAtMs >= 0 && sim.nowMs > removedAtMs + 3000 + 62_000 ? null : 'waiting for the FORGET ban to expire';
      return first(banExpired, allNodesKnowEachOther.bind(null, sim), () => sameSlotOwners(sim, expected), () => uniqueConfigEpochs(sim), () => allClusterStatesOk(sim));
    },
  },
  {
    name: 'restart',
    description: 'a node killed and restarted from its nodes.conf (maybe at a new address) rejoins with its id, epochs and slots',
    setup(sim, plan) {
      const random = new SeededRandom(sim.random.int(2 ** 31));
      const { expected } = assignAllSlots(sim, random, indexes(sim.nodes.length));
      meetChain(sim, 1);
      meetChain(sim, plan.healAtMs + REMEET_AFTER_HEAL_MS);
      const victim = random.int(sim.nodes.length);
      const victimId = sim.nodes[victim]!.state.config.myselfId;
      // Down and back before the operator's second round of MEETs (a MEET to a dead node is lost).
      const crashAtMs = 1000 + random.int(plan.healAtMs + 1000);
      const restartAtMs = Math.min(crashAtMs + 500 + random.int(8000), plan.healAtMs + REMEET_AFTER_HEAL_MS - 100);
      // Half the time it comes back on another address: the others learn it from its PINGs.
      const newIp = random.next() < 0.5 ? `10.1.0.${victim + 1}` : undefined;
      sim.at(crashAtMs, `kill node ${victim}`, () => sim.crash(victim));
      sim.at(restartAtMs, `restart node ${victim} from its nodes.conf${newIp === undefined ? '' : ` at ${newIp}`}`, () => sim.restart(victim, newIp));
      const addressKnown = (): string | null => {
        const ip = sim.nodes[victim]!.ip;
        for (const node of sim.nodes) {
          if (node.index === victim) continue;
          const seen = node.state.config.nodes.get(victimId)?.ip;
          if (seen !== ip) return `node ${node.index} sees node ${victim} at ${seen}, it is at ${ip}`;
        }
        return null;
      };
      const sameId = (): string | null =>
        sim.nodes[victim]!.state.config.myselfId === victimId ? null : `node ${victim} came back as ${sim.nodes[victim]!.state.config.myselfId}`;
      const restarted = (): string | null => (sim.nodes[victim]!.restarts === 1 ? null : `node ${victim} not restarted yet`);
      return first(restarted, sameId, allNodesKnowEachOther.bind(null, sim), addressKnown, () => sameSlotOwners(sim, expected), () => uniqueConfigEpochs(sim), () => allClusterStatesOk(sim));
    },
  },
];

export function planFor(seed: number): Plan {
  const random = new SeededRandom(seed ^ 0x9e3779b9);
  const nodeCount = 3 + random.int(6);
  const faulty = random.next() < 0.8;
  const profile = faulty ? randomFaultProfile(random) : RELIABLE;
  const healAtMs = faulty ? 2000 + random.int(10_000) : 0;
  let partition: Plan['partition'] = null;
  if (faulty && random.next() < 0.4) {
    const groups: number[][] = [[], []];
    for (let i = 0; i < nodeCount; i++) groups[random.int(2)]!.push(i);
    const fromMs = random.int(healAtMs);
    partition = { groups, fromMs, toMs: fromMs + random.int(healAtMs - fromMs + 1) };
  }
  return { nodeCount, profile, healAtMs, partition };
}

export interface RunResult {
  readonly ok: boolean;
  readonly scenario: string;
  readonly seed: number;
  readonly problem: string | null;
  readonly simulatedMs: number;
  readonly steps: number;
  readonly messages: number;
  readonly plan: Plan;
  readonly log: readonly string[];
}

export function runScenario(scenario: Scenario, seed: number, verbose = false): RunResult {
  const plan = planFor(seed);
  const sim = new ClusterSim({ seed, nodeCount: plan.nodeCount, profile: plan.profile, verbose, checkStep });
  let problem: string | null = null;
  try {
    const check = scenario.setup(sim, plan);
    if (plan.partition !== null) {
      const { groups, fromMs, toMs } = plan.partition;
      sim.at(fromMs, `partition ${JSON.stringify(groups)}`, () => sim.network.partition(groups));
      sim.at(toMs, 'partition healed', () => sim.network.heal());
    }
    sim.at(plan.healAtMs, 'network reliable', () => {
      sim.network.heal();
      sim.network.profile = RELIABLE;
    });
    sim.runUntil(SIM_START_MS + plan.healAtMs);
    const deadlineMs = scenario.deadlineMs ?? CONVERGENCE_DEADLINE_MS;
    const deadline = SIM_START_MS + plan.healAtMs + deadlineMs;
    problem = check();
    while (problem !== null && sim.nowMs < deadline) {
      sim.runUntil(sim.nowMs + CHECK_EVERY_MS);
      problem = check();
    }
    if (problem !== null) problem = `no convergence ${deadlineMs} ms after healing: ${problem}`;
  } catch (error) {
    if (!(error instanceof InvariantViolation)) throw error;
    problem = `invariant violated at ${sim.nowMs - SIM_START_MS} ms: ${error.message}`;
  }
  return {
    ok: problem === null,
    scenario: scenario.name,
    seed,
    problem,
    simulatedMs: sim.nowMs - SIM_START_MS,
    steps: sim.stepCount,
    messages: sim.messagesDelivered,
    plan,
    log: sim.logLines,
  };
}

/**
 * One line of CLUSTER NODES / nodes.conf in Redis 7.0's format (clusterGenNodeDescription and
 * clusterLoadConfig in src/cluster.c), and the nodes.conf trailer
 * `vars currentEpoch <n> lastVoteEpoch <m>`:
 *
 *   <id> <ip>:<port>@<cport>[,<hostname>] <flags> <master id|-> <ping-sent-ms> <pong-recv-ms>
 *   <config-epoch> <connected|disconnected> [<slot>|<start>-<end>]... [[<slot>->-<id>]|[<slot>-<-<id>]]...
 *
 * Formatting is Redis's, byte for byte; parsing accepts what Redis's loader accepts (the old
 * form without `@cport`, `noflags`, any whitespace between fields) and reports what it refuses.
 * Pure.
 */
import { SLOT_COUNT } from '../lib/hash-slot.js';
import { formatNodeFlags, parseNodeFlags } from './node-flags.js';
import type { SlotRange } from './slot-bitmap.js';

/** CLUSTER_PORT_INCR: the bus port when an old nodes.conf line has no `@cport`. */
export const CLUSTER_PORT_INCR = 10000;

export interface OpenSlot {
  readonly slot: number;
  /** `[slot->-id]`: this node migrates the slot to id; `[slot-<-id]`: it imports from id. */
  readonly direction: 'migrating' | 'importing';
  readonly nodeId: string;
}

export interface NodeLine {
  readonly nodeId: string;
  /** '' while the node does not know its own address yet. */
  readonly ip: string;
  readonly port: number;
  readonly cport: number;
  /** '' when the node announces no hostname. */
  readonly hostname: string;
  /** NodeFlag bits (src/cluster/bus/constants.ts). */
  readonly nodeFlags: number;
  readonly masterId: string | null;
  readonly pingSentAtMs: number;
  readonly pongReceivedAtMs: number;
  /** For a replica, Redis prints its master's configEpoch. */
  readonly configEpoch: number;
  readonly linkState: 'connected' | 'disconnected';
  readonly slots: readonly SlotRange[];
  /** Printed only on the `myself` line, in slot order. */
  readonly openSlots: readonly OpenSlot[];
}

export interface NodesConfVars {
  readonly currentEpoch: number;
  readonly lastVoteEpoch: number;
}

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function formatSlotRanges(slots: readonly SlotRange[]): string[] {
  return slots.map(({ start, end }) => (start === end ? `${start}` : `${start}-${end}`));
}

/** One line, without its trailing newline. */
export function formatNodeLine(node: NodeLine): string {
  const address = `${node.ip}:${node.port}@${node.cport}${node.hostname === '' ? '' : `,${node.hostname}`}`;
  const fields = [
    node.nodeId,
    address,
    formatNodeFlags(node.nodeFlags),
    node.masterId ?? '-',
    `${node.pingSentAtMs}`,
    `${node.pongReceivedAtMs}`,
    `${node.configEpoch}`,
    node.linkState,
    ...formatSlotRanges(node.slots),
    ...node.openSlots.map(({ slot, direction, nodeId }) => `[${slot}${direction === 'migrating' ? '->-' : '-<-'}${nodeId}]`),
  ];
  return fields.join(' ');
}

const NODE_ID = /^[0-9a-f]{40}$/;
const UNSIGNED = /^[0-9]+$/;

export function parseNodeLine(line: string): ParseResult<NodeLine> {
  const fields = line.trim().split(/\s+/);
  if (fields.length < 8) return failure(`expected at least 8 fields, got ${fields.length}`);
  const [nodeId, addressField, flagsField, masterField, pingField, pongField, epochField, linkField] = fields as [
    string, string, string, string, string, string, string, string,
  ];
  if (!NODE_ID.test(nodeId)) return failure(`bad node id ${JSON.stringify(nodeId)}`);

  const address = parseAddress(addressField);
  if (address === null) return failure(`bad address ${JSON.stringify(addressField)}`);
  const nodeFlags = parseNodeFlags(flagsField);
  if (nodeFlags === null) return failure(`unknown flag in ${JSON.stringify(flagsField)}`);
  if (masterField !== '-' && !NODE_ID.test(masterField)) return failure(`bad master id ${JSON.stringify(masterField)}`);
  for (const number of [pingField, pongField, epochField]) {
    if (!UNSIGNED.test(number) || !Number.isSafeInteger(Number(number))) return failure(`bad number ${JSON.stringify(number)}`);
  }
  if (linkField !== 'connected' && linkField !== 'disconnected') return failure(`bad link state ${JSON.stringify(linkField)}`);

  const slots: SlotRange[] = [];
  const openSlots: OpenSlot[] = [];
  for (const field of fields.slice(8)) {
    if (field.startsWith('[')) {
      const open = /^\[([0-9]+)(->-|-<-)([0-9a-f]{40})\]$/.exec(field);
      if (open === null || !isSlot(Number(open[1]))) return failure(`bad migrating/importing entry ${JSON.stringify(field)}`);
      openSlots.push({ slot: Number(open[1]), direction: open[2] === '->-' ? 'migrating' : 'importing', nodeId: open[3]! });
      continue;
    }
    const range = /^([0-9]+)(?:-([0-9]+))?$/.exec(field);
    const start = Number(range?.[1]);
    const end = range?.[2] === undefined ? start : Number(range[2]);
    if (range === null || !isSlot(start) || !isSlot(end)) return failure(`bad slot ${JSON.stringify(field)}`);
    slots.push({ start, end });
  }
  return {
    ok: true,
    value: {
      nodeId,
      ...address,
      nodeFlags,
      masterId: masterField === '-' ? null : masterField,
      pingSentAtMs: Number(pingField),
      pongReceivedAtMs: Number(pongField),
      configEpoch: Number(epochField),
      linkState: linkField,
      slots,
      openSlots,
    },
  };
}

/** `ip:port[@cport][,hostname]`; the ip may hold colons (IPv6), so the last one splits. */
function parseAddress(field: string): { ip: string; port: number; cport: number; hostname: string } | null {
  const comma = field.indexOf(',');
  const hostname = comma === -1 ? '' : field.slice(comma + 1);
  const endpoint = comma === -1 ? field : field.slice(0, comma);
  const colon = endpoint.lastIndexOf(':');
  if (colon === -1) return null;
  const [portText = '', cportText] = endpoint.slice(colon + 1).split('@');
  if (!UNSIGNED.test(portText) || (cportText !== undefined && !UNSIGNED.test(cportText))) return null;
  const port = Number(portText);
  const cport = cportText === undefined ? port + CLUSTER_PORT_INCR : Number(cportText);
  if (port > 65535 || cport > 65535) return null;
  return { ip: endpoint.slice(0, colon), port, cport, hostname };
}

function isSlot(slot: number): boolean {
  return Number.isInteger(slot) && slot >= 0 && slot < SLOT_COUNT;
}

function failure<T>(error: string): ParseResult<T> {
  return { ok: false, error };
}

/** The last line of nodes.conf (clusterSaveConfig), without its trailing newline. */
export function formatVarsLine(vars: NodesConfVars): string {
  return `vars currentEpoch ${vars.currentEpoch} lastVoteEpoch ${vars.lastVoteEpoch}`;
}

export function isVarsLine(line: string): boolean {
  return /^vars(\s|$)/i.test(line.trim());
}

/** Like clusterLoadConfig: names are case-insensitive, unknown ones are skipped, missing ones are 0. */
export function parseVarsLine(line: string): ParseResult<NodesConfVars> {
  const fields = line.trim().split(/\s+/);
  if (fields[0]?.toLowerCase() !== 'vars' || fields.length % 2 !== 1) return failure(`bad vars line ${JSON.stringify(line)}`);
  let currentEpoch = 0;
  let lastVoteEpoch = 0;
  for (let i = 1; i < fields.length; i += 2) {
    const name = fields[i]!.toLowerCase();
    const value = fields[i + 1]!;
    if (name !== 'currentepoch' && name !== 'lastvoteepoch') continue;
    if (!UNSIGNED.test(value) || !Number.isSafeInteger(Number(value))) return failure(`bad ${fields[i]} ${JSON.stringify(value)}`);
    if (name === 'currentepoch') currentEpoch = Number(value);
    else lastVoteEpoch = Number(value);
  }
  return { ok: true, value: { currentEpoch, lastVoteEpoch } };
}

export interface NodesConf {
  readonly nodes: readonly NodeLine[];
  readonly vars: NodesConfVars;
}

/** A whole nodes.conf: node lines in file order, blank lines skipped, the vars line anywhere. */
export function parseNodesConf(text: string): ParseResult<NodesConf> {
  const nodes: NodeLine[] = [];
  let vars: NodesConfVars = { currentEpoch: 0, lastVoteEpoch: 0 };
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const parsed = isVarsLine(line) ? parseVarsLine(line) : parseNodeLine(line);
    if (!parsed.ok) return failure(`line ${index + 1}: ${parsed.error}`);
    if ('nodeId' in parsed.value) nodes.push(parsed.value);
    else vars = parsed.value;
  }
  return { ok: true, value: { nodes, vars } };
}

/** clusterSaveConfig's payload: one line per node, then the vars line, each ending in \n. */
export function formatNodesConf(conf: NodesConf): string {
  return [...conf.nodes.map(formatNodeLine), formatVarsLine(conf.vars)].map((line) => `${line}\n`).join('');
}

import { assert } from '../lib/assert.js';
import type { SpecTree } from './spec-tree.js';

/** Where a key spec starts looking for keys (Redis 7 key specs, begin_search). */
export type BeginSearch =
  | { type: 'index'; index: number }
  | { type: 'keyword'; keyword: string; startFrom: number }
  | { type: 'unknown' };

/** How a key spec finds the keys from there (find_keys). */
export type FindKeys =
  | { type: 'range'; lastKey: number; keyStep: number; limit: number }
  | { type: 'keynum'; keyNumIndex: number; firstKey: number; keyStep: number }
  | { type: 'unknown' };

export interface KeySpec {
  readonly flags: readonly string[];
  readonly beginSearch: BeginSearch;
  readonly findKeys: FindKeys;
}

/** A command's facts, as Redis 7.0's COMMAND reports them. */
export interface CommandSpec {
  /** Full lowercase name: `get`, or `config|get` for a subcommand. */
  readonly fullName: string;
  /** Positive: exact argc. Negative: at least -arity arguments (the name counts). */
  readonly arity: number;
  readonly flags: ReadonlySet<string>;
  readonly firstKey: number;
  readonly lastKey: number;
  readonly keyStep: number;
  readonly aclCategories: readonly string[];
  readonly keySpecs: readonly KeySpec[];
  /** The COMMAND INFO entry (without subcommands, which are added from the table). */
  readonly infoTree: SpecTree[];
  /** The COMMAND DOCS entry, or null. */
  readonly docsTree: SpecTree;
}

function mapGet(tree: SpecTree | undefined, key: string): SpecTree | undefined {
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree) || !('map' in tree)) return undefined;
  for (const [k, v] of tree.map) if (k === key) return v;
  return undefined;
}

function setStrings(tree: SpecTree | undefined): string[] {
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree) || !('set' in tree)) return [];
  return tree.set.map((item) => (typeof item === 'object' && item !== null && 's' in item ? item.s : String(item)));
}

function num(tree: SpecTree | undefined): number {
  return typeof tree === 'number' ? tree : 0;
}

function parseKeySpec(tree: SpecTree): KeySpec {
  const begin = mapGet(tree, 'begin_search');
  const find = mapGet(tree, 'find_keys');
  const beginType = mapGet(begin, 'type');
  const beginSpec = mapGet(begin, 'spec');
  const findType = mapGet(find, 'type');
  const findSpec = mapGet(find, 'spec');
  let beginSearch: BeginSearch = { type: 'unknown' };
  if (beginType === 'index') beginSearch = { type: 'index', index: num(mapGet(beginSpec, 'index')) };
  else if (beginType === 'keyword') {
    beginSearch = { type: 'keyword', keyword: String(mapGet(beginSpec, 'keyword')), startFrom: num(mapGet(beginSpec, 'startfrom')) };
  }
  let findKeys: FindKeys = { type: 'unknown' };
  if (findType === 'range') {
    findKeys = { type: 'range', lastKey: num(mapGet(findSpec, 'lastkey')), keyStep: num(mapGet(findSpec, 'keystep')), limit: num(mapGet(findSpec, 'limit')) };
  } else if (findType === 'keynum') {
    findKeys = { type: 'keynum', keyNumIndex: num(mapGet(findSpec, 'keynumidx')), firstKey: num(mapGet(findSpec, 'firstkey')), keyStep: num(mapGet(findSpec, 'keystep')) };
  }
  return { flags: setStrings(mapGet(tree, 'flags')), beginSearch, findKeys };
}

/** Builds a spec from a COMMAND INFO entry and its COMMAND DOCS entry. */
export function parseCommandSpec(info: SpecTree, docs: SpecTree): CommandSpec {
  assert(Array.isArray(info) && info.length >= 10, 'COMMAND INFO entry has 10 fields');
  const [name, arity, flags, firstKey, lastKey, keyStep, acl, _tips, keySpecs] = info;
  const keySpecTrees = Array.isArray(keySpecs) ? keySpecs : typeof keySpecs === 'object' && keySpecs !== null && 'set' in keySpecs ? keySpecs.set : [];
  return {
    fullName: String(name),
    arity: num(arity),
    flags: new Set(setStrings(flags)),
    firstKey: num(firstKey),
    lastKey: num(lastKey),
    keyStep: num(keyStep),
    aclCategories: setStrings(acl),
    keySpecs: keySpecTrees.map(parseKeySpec),
    infoTree: info.slice(0, 9),
    docsTree: docs,
  };
}

/** Subcommand specs embedded in a container command's COMMAND INFO entry (field 10). */
export function subcommandInfoTrees(info: SpecTree): SpecTree[] {
  if (!Array.isArray(info)) return [];
  const subs = info[9];
  return Array.isArray(subs) ? subs : [];
}

/** The DOCS entry of a subcommand, from its container's DOCS `subcommands` map. */
export function subcommandDocsTree(containerDocs: SpecTree, fullName: string): SpecTree {
  return mapGet(mapGet(containerDocs, 'subcommands'), fullName) ?? null;
}

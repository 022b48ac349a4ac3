/**
 * A reply tree as stored in generated/redis-commands.json: bulk strings are JSON strings,
 * integers numbers, simple strings `{s}`, sets `{set}`, maps `{map}` of pairs, arrays arrays.
 */
export type SpecTree =
  | string
  | number
  | null
  | { s: string }
  | { set: SpecTree[] }
  | { map: Array<[SpecTree, SpecTree]> }
  | SpecTree[];

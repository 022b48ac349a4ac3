import type { StoredValue } from '../../keyspace/stored-value.js';
import { RdbInput } from './rdb-input.js';

export { RdbInput };

/** The encoding thresholds a loaded value is converted by (Redis's config at load time). */
export interface DecodeLimits {
  readonly hashMaxListpackEntries: number;
  readonly hashMaxListpackValue: number;
  readonly zsetMaxListpackEntries: number;
  readonly zsetMaxListpackValue: number;
  readonly setMaxIntsetEntries: number;
  readonly streamNodeMaxBytes: number;
  readonly streamNodeMaxEntries: number;
}

/** Redis 7.0's defaults. */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  streamNodeMaxBytes: 4096,
  streamNodeMaxEntries: 100,
};

/** Reads one value of RDB object type `typeByte` (every encoding Redis 7.0 can load). */
export function decodeValue(typeByte: number, input: RdbInput, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): StoredValue {
  void typeByte;
  void input;
  void limits;
  throw new Error('not implemented');
}

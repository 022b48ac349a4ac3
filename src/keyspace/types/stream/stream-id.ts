/**
 * Stream ids: two unsigned 64-bit parts (ms, seq), exact over the whole range. A part is a JS
 * number while it is a safe integer (the common case, fast) and a bigint above 2^53 - 1: every
 * part is kept in that normal form, so `===` is exact equality and `<` compares across both kinds
 * (JS compares a bigint and a number by their mathematical values).
 */
export type U64 = number | bigint;

export interface StreamId {
  readonly ms: U64;
  readonly seq: U64;
}

export const U64_MAX = 18446744073709551615n;
const SAFE_MAX = Number.MAX_SAFE_INTEGER;

export const MIN_ID: StreamId = { ms: 0, seq: 0 };
export const MAX_ID: StreamId = { ms: U64_MAX, seq: U64_MAX };

/** The normal form of a u64 given as a bigint in range. */
export function u64(value: bigint): U64 {
  return value <= 9007199254740991n ? Number(value) : value;
}

export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function compareParts(aMs: U64, aSeq: U64, bMs: U64, bSeq: U64): number {
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

export function isZeroId(id: StreamId): boolean {
  return id.ms === 0 && id.seq === 0;
}

export function isMaxId(id: StreamId): boolean {
  return id.ms === U64_MAX && id.seq === U64_MAX;
}

export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

export function incrU64(value: U64): U64 {
  if (typeof value === 'number' && value < SAFE_MAX) return value + 1;
  return BigInt(value) + 1n;
}

function decrU64(value: U64): U64 {
  return typeof value === 'number' ? value - 1 : u64(value - 1n);
}

/** Redis's streamIncrID: the successor, or null for the last possible id. */
export function nextId(id: StreamId): StreamId | null {
  if (id.seq === U64_MAX) {
    if (id.ms === U64_MAX) return null;
    return { ms: incrU64(id.ms), seq: 0 };
  }
  return { ms: id.ms, seq: incrU64(id.seq) };
}

/** Redis's streamDecrID: the predecessor, or null for 0-0. */
export function previousId(id: StreamId): StreamId | null {
  if (id.seq === 0) {
    if (id.ms === 0) return null;
    return { ms: decrU64(id.ms), seq: U64_MAX };
  }
  return { ms: id.ms, seq: decrU64(id.seq) };
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/**
 * Redis's string2ull: string2ll when it accepts the text (negative refused), else C's strtoull
 * (leading spaces, a sign, leading zeros; '-' negates modulo 2^64; overflow refused).
 */
export function parseU64(text: string): U64 | null {
  const length = text.length;
  if (length === 0) return null;
  let i = 0;
  while (i < length && isSpace(text.charCodeAt(i))) i++;
  let negative = false;
  const sign = text.charCodeAt(i);
  if (sign === 43 || sign === 45) {
    negative = sign === 45;
    i++;
  }
  const digitsStart = i;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    i++;
  }
  if (i === digitsStart) return null;
  const digits = text.slice(digitsStart);
  if (!negative && digits.length <= 15) return Number(digits);
  const magnitude = BigInt(digits);
  if (magnitude > U64_MAX) return null;
  // A canonical "-N" in int64 range is string2ll's, which refuses negatives before strtoull runs.
  if (negative && digitsStart === 1 && text.charCodeAt(1) !== 48 && magnitude <= 9223372036854775808n) return null;
  if (!negative || magnitude === 0n) return u64(magnitude);
  return u64(U64_MAX + 1n - magnitude);
}

export type IdParse =
  | { readonly kind: 'id'; readonly id: StreamId; readonly seqGiven: boolean }
  | { readonly kind: 'invalid' };

const INVALID: IdParse = { kind: 'invalid' };

/**
 * Redis's streamGenericParseIDOrReply. `missingSeq` fills "<ms>" without a sequence; strict
 * refuses "-" and "+"; allowSeqStar accepts "<ms>-*" (XADD). The text is a C string: a NUL ends it.
 */
export function parseStreamId(text: string, missingSeq: U64, strict: boolean, allowSeqStar = false): IdParse {
  if (text.length > 127) return INVALID;
  const nul = text.indexOf('\0');
  const buf = nul === -1 ? text : text.slice(0, nul);
  if (buf === '-') return strict ? INVALID : { kind: 'id', id: MIN_ID, seqGiven: true };
  if (buf === '+') return strict ? INVALID : { kind: 'id', id: MAX_ID, seqGiven: true };
  const dash = buf.indexOf('-');
  const ms = parseU64(dash === -1 ? buf : buf.slice(0, dash));
  if (ms === null) return INVALID;
  if (dash === -1) return { kind: 'id', id: { ms, seq: missingSeq }, seqGiven: true };
  const seqText = buf.slice(dash + 1);
  if (allowSeqStar && seqText === '*') return { kind: 'id', id: { ms, seq: 0 }, seqGiven: false };
  const seq = parseU64(seqText);
  if (seq === null) return INVALID;
  return { kind: 'id', id: { ms, seq }, seqGiven: true };
}

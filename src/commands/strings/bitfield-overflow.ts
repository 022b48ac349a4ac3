const INT64_MAX = 9223372036854775807n;

/** BITFIELD's OVERFLOW modes. */
export type Overflow = 'wrap' | 'sat' | 'fail';

export interface FieldType {
  readonly signed: boolean;
  /** 1..64 signed, 1..63 unsigned. */
  readonly bits: number;
  readonly overflow: Overflow;
}

/**
 * The value a field takes for an exact (unbounded) result of SET or INCRBY, or null when
 * OVERFLOW FAIL refuses it. WRAP keeps the low bits (two's complement for signed fields), SAT
 * clamps to the type's range (`fromSet`: the value comes from SET, not INCRBY). Redis computes the same with 64-bit arithmetic and explicit
 * checks (checkSignedBitfieldOverflow / checkUnsignedBitfieldOverflow in bitops.c).
 */
export function fieldAfterOverflow(type: FieldType, exact: bigint, fromSet = false): bigint | null {
  const { bits, signed } = type;
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const min = signed ? -max - 1n : 0n;
  if (exact >= min && exact <= max) return exact;
  if (type.overflow === 'fail') return null;
  // Redis's quirk: for a signed SET it tests `0 > (int64)(max - value)` first, and that
  // difference wraps negative for values far below the range, so SAT saturates them to max.
  const wrapsUp = signed && fromSet && bits < 64 && max - exact > INT64_MAX;
  if (type.overflow === 'sat') return exact > max || wrapsUp ? max : min;
  return signed ? BigInt.asIntN(bits, exact) : BigInt.asUintN(bits, exact);
}

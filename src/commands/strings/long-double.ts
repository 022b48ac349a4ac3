/**
 * Just enough x87 80-bit `long double` to make INCRBYFLOAT agree with Redis on x86-64 Linux:
 * glibc's strtold (decimal and hex input, inf), one correctly rounded addition, and printf
 * "%.17Lf". Redis stores the printed text, so 1.1 + 2.2 gives "3.3" there, where double
 * arithmetic would give 3.3000000000000003. Values are exact: ±mantissa·2^exponent with a
 * 64-bit mantissa, computed with bigint.
 */
export interface LongDouble {
  readonly negative: boolean;
  /** 0 for zero; otherwise < 2^64. Ignored when infinite. */
  readonly mantissa: bigint;
  readonly exponent: number;
  readonly infinite: boolean;
}

const MANTISSA_BITS = 64;
/** The weight of a denormal's lowest bit: 2^-16445. */
const MIN_EXPONENT = -16445;
/** Finite values are below 2^16384. */
const MAX_BIT_LENGTH = 16384;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer input is refused before parsing. */
const MAX_INPUT_CHARS = 5 * 1024;
/** Decimal magnitudes beyond these overflow / underflow whatever the digits (80-bit range). */
const MAX_DECIMAL_MAGNITUDE = 4934;
const MIN_DECIMAL_MAGNITUDE = -4952;

const ZERO: LongDouble = { negative: false, mantissa: 0n, exponent: 0, infinite: false };

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

/** The long double nearest to num/den (round half to even); null when it overflows. */
function roundQuotient(negative: boolean, num: bigint, den: bigint): LongDouble | null {
  if (num === 0n) return { ...ZERO, negative };
  let exponent = Math.max(bitLength(num) - bitLength(den) - MANTISSA_BITS, MIN_EXPONENT);
  let q = 0n;
  let r = 0n;
  let d = 0n;
  const divide = (): void => {
    const n = exponent < 0 ? num << BigInt(-exponent) : num;
    d = exponent > 0 ? den << BigInt(exponent) : den;
    q = n / d;
    r = n - q * d;
  };
  divide();
  // The first estimate is off by at most one bit either way.
  while (bitLength(q) > MANTISSA_BITS) {
    exponent++;
    divide();
  }
  while (bitLength(q) < MANTISSA_BITS && exponent > MIN_EXPONENT) {
    exponent--;
    divide();
  }
  const twice = r * 2n;
  if (twice > d || (twice === d && (q & 1n) === 1n)) q++;
  if (bitLength(q) > MANTISSA_BITS) {
    q >>= 1n;
    exponent++;
  }
  if (q === 0n) return { ...ZERO, negative };
  if (bitLength(q) + exponent > MAX_BIT_LENGTH) return null;
  return { negative, mantissa: q, exponent, infinite: false };
}

function fromScaled(negative: boolean, digits: bigint, scale: bigint, power: number): LongDouble | null {
  return power >= 0 ? roundQuotient(negative, digits * scale ** BigInt(power), 1n) : roundQuotient(negative, digits, scale ** BigInt(-power));
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^([+-]?)inf(inity)?$/i;

/** Bounded exponent parse: anything beyond ±10^6 is already out of range. */
function exponentOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const value = Number(text);
  return Math.max(-1_000_000, Math.min(1_000_000, value));
}

/**
 * Redis's string2ld: the whole text must be a number strtold accepts; no leading space, not
 * NaN, not overflowing, not underflowing to zero. Returns null when Redis would refuse it.
 */
export function parseLongDouble(text: string): LongDouble | null {
  if (text.length === 0 || text.length >= MAX_INPUT_CHARS) return null;
  const inf = INFINITY.exec(text);
  if (inf !== null) return { negative: inf[1] === '-', mantissa: 0n, exponent: 0, infinite: true };
  const hex = HEX.exec(text);
  if (hex !== null) {
    const intDigits = hex[2] ?? '';
    const fracDigits = hex[3] ?? '';
    if (intDigits.length + fracDigits.length === 0) return null;
    const digits = BigInt(`0x${intDigits}${fracDigits}`);
    if (digits === 0n) return { ...ZERO, negative: hex[1] === '-' };
    const power = exponentOf(hex[4]) - 4 * fracDigits.length;
    const bits = bitLength(digits) + power;
    if (bits > MAX_BIT_LENGTH || bits < MIN_EXPONENT - 1) return null;
    return checkedResult(digits, fromScaled(hex[1] === '-', digits, 2n, power));
  }
  const dec = DECIMAL.exec(text);
  if (dec === null) return null;
  const intDigits = dec[2] ?? '';
  const fracDigits = dec[3] ?? '';
  if (intDigits.length + fracDigits.length === 0) return null;
  const allDigits = (intDigits + fracDigits).replace(/^0+/, '');
  const negative = dec[1] === '-';
  if (allDigits.length === 0) return { ...ZERO, negative };
  const power = exponentOf(dec[4]) - fracDigits.length;
  const magnitude = allDigits.length + power;
  if (magnitude > MAX_DECIMAL_MAGNITUDE || magnitude < MIN_DECIMAL_MAGNITUDE) return null;
  return checkedResult(1n, fromScaled(negative, BigInt(allDigits), 10n, power));
}

/** strtold's ERANGE cases Redis refuses: overflow (null) and non-zero input rounding to zero. */
function checkedResult(digits: bigint, value: LongDouble | null): LongDouble | null {
  if (value === null) return null;
  if (digits !== 0n && value.mantissa === 0n) return null;
  return value;
}

/** a + b rounded once; 'inf' when the result is infinite or NaN (Redis refuses both). */
export function addLongDoubles(a: LongDouble, b: LongDouble): LongDouble | 'inf' {
  if (a.infinite || b.infinite) return 'inf';
  if (a.mantissa === 0n && b.mantissa === 0n) return { ...ZERO, negative: a.negative && b.negative };
  if (a.mantissa === 0n) return b;
  if (b.mantissa === 0n) return a;
  const exponent = Math.min(a.exponent, b.exponent);
  const sa = (a.negative ? -a.mantissa : a.mantissa) << BigInt(a.exponent - exponent);
  const sb = (b.negative ? -b.mantissa : b.mantissa) << BigInt(b.exponent - exponent);
  const sum = sa + sb;
  if (sum === 0n) return ZERO;
  const negative = sum < 0n;
  const magnitude = negative ? -sum : sum;
  const rounded = exponent >= 0 ? roundQuotient(negative, magnitude << BigInt(exponent), 1n) : roundQuotient(negative, magnitude, 1n << BigInt(-exponent));
  return rounded ?? 'inf';
}

const FRACTION_DIGITS = 17;
const FRACTION_SCALE = 10n ** BigInt(FRACTION_DIGITS);

/**
 * Redis's ld2string(LD_STR_HUMAN): printf("%.17Lf") (exact value, rounded half to even like
 * glibc), trailing zeros and a bare point removed, "-0" written as "0".
 */
export function formatLongDoubleHuman(value: LongDouble): string {
  let scaled: bigint;
  if (value.exponent >= 0) {
    scaled = (value.mantissa << BigInt(value.exponent)) * FRACTION_SCALE;
  } else {
    const num = value.mantissa * FRACTION_SCALE;
    const den = 1n << BigInt(-value.exponent);
    scaled = num / den;
    const twice = (num - scaled * den) * 2n;
    if (twice > den || (twice === den && (scaled & 1n) === 1n)) scaled++;
  }
  const intPart = (scaled / FRACTION_SCALE).toString();
  let fraction = (scaled % FRACTION_SCALE).toString().padStart(FRACTION_DIGITS, '0');
  let end = fraction.length;
  while (end > 0 && fraction.charCodeAt(end - 1) === 48) end--;
  fraction = fraction.slice(0, end);
  const text = (value.negative ? '-' : '') + intPart + (fraction.length > 0 ? `.${fraction}` : '');
  return text === '-0' ? '0' : text;
}

/**
 * C strtod as Redis uses it for scores: decimal and hex floats, "inf"/"infinity", "nan".
 * Two callers with different checks in Redis: getDoubleFromObject (scores, increments, weights,
 * coordinates) and zslParseRange (ZRANGEBYSCORE min/max).
 */

const SPACE = /^[ \t\n\v\f\r]/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const HEX = /^([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))(?:[pP]([+-]?\d+))?/;
const INFINITY = /^([+-]?)inf(?:inity)?/i;
const NAN = /^[+-]?nan(?:\([0-9A-Za-z_]*\))?/i;

export interface StrtodResult {
  value: number;
  /** Characters consumed; 0 when no conversion was made. */
  length: number;
  /** ERANGE: overflow to ±inf or underflow to 0. */
  outOfRange: boolean;
}

/** strtod on the text (leading white space skipped, as C does). */
export function strtod(text: string): StrtodResult {
  let skip = 0;
  while (skip < text.length && SPACE.test(text[skip] as string)) skip++;
  const rest = skip === 0 ? text : text.slice(skip);
  let match = HEX.exec(rest);
  if (match !== null) {
    const value = hexValue(match[1] === '-', match[2] as string, match[3]);
    return { value, length: skip + match[0].length, outOfRange: !Number.isFinite(value) };
  }
  match = INFINITY.exec(rest);
  if (match !== null) return { value: match[1] === '-' ? -Infinity : Infinity, length: skip + match[0].length, outOfRange: false };
  match = NAN.exec(rest);
  if (match !== null) return { value: NaN, length: skip + match[0].length, outOfRange: false };
  match = DECIMAL.exec(rest);
  if (match === null) return { value: 0, length: 0, outOfRange: false };
  const literal = match[0];
  const value = Number(literal);
  const outOfRange = !Number.isFinite(value) || (value === 0 && /[1-9]/.test(literal.replace(/[eE].*$/, '')));
  return { value, length: skip + literal.length, outOfRange };
}

function hexValue(negative: boolean, digits: string, exponentText: string | undefined): number {
  const point = digits.indexOf('.');
  const whole = point === -1 ? digits : digits.slice(0, point) + digits.slice(point + 1);
  const fractionDigits = point === -1 ? 0 : digits.length - point - 1;
  const exponent = Math.max(-100000, Math.min(100000, Number(exponentText ?? '0'))) - 4 * fractionDigits;
  const mantissa = whole.length === 0 ? 0n : BigInt(`0x${whole}`);
  let value: number;
  if (mantissa === 0n) value = 0;
  else {
    // Scale in two steps so that 2^exponent alone does not overflow or underflow early.
    const bits = mantissa.toString(2).length;
    const top = bits > 60 ? Number(mantissa >> BigInt(bits - 60)) : Number(mantissa);
    const shift = exponent + (bits > 60 ? bits - 60 : 0);
    value = top * 2 ** Math.trunc(shift / 2) * 2 ** (shift - Math.trunc(shift / 2));
  }
  return negative ? -value : value;
}

/**
 * Redis's getDoubleFromObject: the whole text is a number, no leading space, no overflow, not
 * NaN. Returns null when Redis would reply an error.
 */
export function parseStrictDouble(text: string): number | null {
  if (isPlainDecimal(text)) return Number(text);
  if (text.length === 0 || SPACE.test(text)) return null;
  const result = strtod(text);
  if (result.length !== text.length || result.length === 0) return null;
  if (Number.isNaN(result.value)) return null;
  if (result.outOfRange) return null;
  return result.value;
}

/**
 * A short "-123.45"-style number (the common case): Number parses it exactly as strtod does,
 * and it can neither overflow nor underflow.
 */
function isPlainDecimal(text: string): boolean {
  const length = text.length;
  if (length === 0 || length > 30) return false;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  let digits = 0;
  let dot = false;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && !dot) dot = true;
    else return false;
  }
  return digits > 0;
}

/**
 * zslParseRange's number: strtod with only "consumed everything" and "not NaN" checked, so an
 * empty text is 0 and overflow is ±inf. Returns null when Redis would reply an error.
 */
export function parseRangeDouble(text: string): number | null {
  const result = strtod(text);
  // With no conversion strtod points back at the start: only the empty text passes then.
  const end = result.length === 0 ? 0 : result.length;
  if (end !== text.length) return null;
  if (Number.isNaN(result.value)) return null;
  return result.value;
}

/**
 * printf("%.17g") for a double, as Redis 7.0 formats scores and RESP3 doubles.
 * JS's toFixed/toExponential round from the exact binary value, like glibc's printf.
 */
export function formatDouble17g(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  // Integers below 1e17 have at most 17 digits: %.17g prints them exactly, as String does
  // (a fast path for scores such as leaderboard counts).
  if (Number.isInteger(value) && value < 1e17 && value > -1e17) return String(value);
  const exponential = value.toExponential(16);
  const ePos = exponential.indexOf('e');
  const exponent = Number(exponential.slice(ePos + 1));
  if (exponent < -4 || exponent >= 17) {
    const mantissa = stripZeros(exponential.slice(0, ePos));
    const sign = exponent < 0 ? '-' : '+';
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return stripZeros(value.toFixed(16 - exponent));
}

/** %g drops trailing zeros of the fraction, and the point when nothing is left after it. */
function stripZeros(text: string): string {
  if (text.indexOf('.') === -1) return text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--;
  if (text.charCodeAt(end - 1) === 46) end--;
  return text.slice(0, end);
}

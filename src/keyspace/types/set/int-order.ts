/**
 * Numeric order of canonical integer strings (Redis's string2ll form: no '+', no leading zeros)
 * without parsing: the sign, then the digit count, then the digits.
 */
export function compareIntegerTexts(a: string, b: string): number {
  const aNegative = a.charCodeAt(0) === 45;
  const bNegative = b.charCodeAt(0) === 45;
  if (aNegative !== bNegative) return aNegative ? -1 : 1;
  let order: number;
  if (a.length !== b.length) order = a.length < b.length ? -1 : 1;
  else order = a < b ? -1 : a > b ? 1 : 0;
  return aNegative ? -order : order;
}

/** Index of `text` in the sorted array, or -(insertion point) - 1. */
export function searchIntegerTexts(sorted: readonly string[], text: string): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const order = compareIntegerTexts(sorted[mid] as string, text);
    if (order < 0) low = mid + 1;
    else if (order > 0) high = mid - 1;
    else return mid;
  }
  return -low - 1;
}

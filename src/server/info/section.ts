/** One INFO section: `# Title` then `name:value` lines, each ending in CRLF. */
export type InfoFields = Array<[string, string | number]>;

export function formatSection(title: string, fields: InfoFields): string {
  let text = `# ${title}\r\n`;
  for (const [key, value] of fields) text += `${key}:${value}\r\n`;
  return text;
}

/** Redis's "%.2f". */
export function fixed2(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '0.00';
}

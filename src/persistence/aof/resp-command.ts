/**
 * A command as RESP multibulk, the form AOF files and the replication stream use
 * (Redis's catAppendOnlyGenericCommand). argv are latin1 strings: one char per byte.
 */
export function encodeCommand(argv: readonly string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const arg of argv) out += `$${arg.length}\r\n${arg}\r\n`;
  return out;
}

/** The SELECT Redis writes before a command of another database. */
export function encodeSelect(dbIndex: number): string {
  const db = String(dbIndex);
  return `*2\r\n$6\r\nSELECT\r\n$${db.length}\r\n${db}\r\n`;
}

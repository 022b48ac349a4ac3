/**
 * One MONITOR line: `+<unix sec>.<usec> [<db> <addr>] "arg" ...`, arguments quoted like
 * Redis's sdscatrepr (printable bytes as is, \\ \" \n \r \t \a \b escaped, others \xHH).
 */
export function formatMonitorLine(nowUs: number, dbIndex: number, address: string, argv: readonly string[]): string {
  const seconds = Math.floor(nowUs / 1e6);
  const micros = String(Math.floor(nowUs % 1e6)).padStart(6, '0');
  let line = `+${seconds}.${micros} [${dbIndex} ${address}]`;
  for (const arg of argv) line += ` ${quoteRepr(arg)}`;
  return `${line}\r\n`;
}

export function quoteRepr(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x5c:
        out += '\\\\';
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x07:
        out += '\\a';
        break;
      case 0x08:
        out += '\\b';
        break;
      default:
        out += c >= 0x20 && c < 0x7f ? text[i] : `\\x${c.toString(16).padStart(2, '0')}`;
    }
  }
  return `${out}"`;
}

/**
 * Splits a line into arguments the way Redis's sdssplitargs does: used for inline commands and
 * for redis.conf lines. Double quotes take C escapes (\n \r \t \b \a \\ \" and \xHH); single quotes
 * take only \'. A closing quote must be followed by a space or the end. Returns null on unbalanced
 * quotes. Input and output are latin1 strings (one char per byte).
 */
export function splitArgs(text: string): string[] | null {
  // sdssplitargs reads a C string: a NUL byte ends the input.
  const nul = text.indexOf('\0');
  const line = nul === -1 ? text : text.slice(0, nul);
  const args: string[] = [];
  let i = 0;
  const n = line.length;
  while (true) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return args;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      if (inDouble) {
        if (i >= n) return null;
        const c = line[i] as string;
        if (c === '\\' && line[i + 1] === 'x' && i + 3 < n && isHex(line[i + 2]) && isHex(line[i + 3])) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i];
          current += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : (e as string);
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          current += c;
        }
      } else if (inSingle) {
        if (i >= n) return null;
        const c = line[i] as string;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          current += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          current += c;
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        const c = line[i] as string;
        const code = line.charCodeAt(i);
        // Unquoted tokens end at these four only (sdssplitargs), not at every isspace() char.
        if (code === 32 || code === 10 || code === 13 || code === 9) done = true;
        else if (c === '"') inDouble = true;
        else if (c === "'") inSingle = true;
        else current += c;
      }
      if (i < n) i++;
    }
    args.push(current);
  }
}

function isSpace(code: number): boolean {
  // isspace() in the C locale: space, \t, \n, \v, \f, \r
  return code === 32 || (code >= 9 && code <= 13);
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

/**
 * Reads the commands of an AOF file (RESP multibulk, `#` annotation lines skipped) with the
 * rules of Redis's loadSingleAppendOnlyFile: a line not starting with `*` or `$` is a format
 * error; running out of bytes inside a command is a truncation (the caller decides, per
 * aof-load-truncated, whether to cut the file at the last complete command).
 */
export type ReadResult =
  | { readonly kind: 'command'; readonly argv: string[] }
  | { readonly kind: 'eof' }
  | { readonly kind: 'truncated' }
  | { readonly kind: 'format' };

const TRUNCATED: ReadResult = { kind: 'truncated' };
const FORMAT: ReadResult = { kind: 'format' };

/** Redis's AOF_ANNOTATION_LINE_MAX_LEN: fgets reads header lines in chunks of this size. */
const LINE_MAX_BYTES = 1024;

export class AofCommandReader {
  readonly #data: Buffer;
  #offset: number;

  constructor(data: Buffer, startOffset = 0) {
    this.#data = data;
    this.#offset = startOffset;
  }

  /** Bytes consumed so far: after the last command returned, where a truncation would cut. */
  get offset(): number {
    return this.#offset;
  }

  next(): ReadResult {
    const data = this.#data;
    while (true) {
      if (this.#offset >= data.length) return { kind: 'eof' };
      const header = this.#line();
      if (header === null) return TRUNCATED;
      if (header.charCodeAt(0) === 35 /* # */) continue;
      if (header.charCodeAt(0) !== 42 /* * */) return FORMAT;
      if (header.length === 1) return TRUNCATED;
      const argc = atoi(header.slice(1));
      if (argc < 1) return FORMAT;
      const argv: string[] = [];
      for (let j = 0; j < argc; j++) {
        if (this.#offset >= data.length) return TRUNCATED;
        const line = this.#line();
        if (line === null) return TRUNCATED;
        if (line.charCodeAt(0) !== 36 /* $ */) return FORMAT;
        const len = atoi(line.slice(1));
        if (len < 0 || this.#offset + len + 2 > data.length) return TRUNCATED;
        argv.push(data.toString('latin1', this.#offset, this.#offset + len));
        // Redis discards the two bytes after the payload without checking them.
        this.#offset += len + 2;
      }
      return { kind: 'command', argv };
    }
  }

  /** One header line without its CRLF, or null when the data ends before a newline. */
  #line(): string | null {
    const data = this.#data;
    const end = data.indexOf(10, this.#offset);
    if (end === -1) return null;
    // fgets with a 1024-byte buffer would split a longer line; no valid header is that long.
    const stop = end - this.#offset > LINE_MAX_BYTES ? this.#offset + LINE_MAX_BYTES : end;
    let text = data.toString('latin1', this.#offset, stop);
    this.#offset = stop === end ? end + 1 : stop;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return text;
  }
}

/** C atoi/strtol: optional sign and leading digits; 0 when none. */
function atoi(text: string): number {
  const match = /^\s*([+-]?\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
}

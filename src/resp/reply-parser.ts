/**
 * Client-side parser of RESP2/RESP3 replies: for tools that talk to nodes (the compat harness,
 * the cluster manager, a replica reading its primary). Strings are latin1.
 */
export type Reply =
  | { type: 'simple'; value: string }
  | { type: 'error'; value: string }
  | { type: 'integer'; value: bigint }
  | { type: 'bulk'; value: string }
  /**
   * `marker` (only with the parser option `nullMarkers`) tells RESP2's `$-1` and `*-1` from
   * RESP3's `_`: clients see nil for each, the compat tests compare the bytes.
   */
  | { type: 'null'; marker?: '$' | '*' | '_' }
  | { type: 'array'; value: Reply[] }
  | { type: 'set'; value: Reply[] }
  | { type: 'push'; value: Reply[] }
  | { type: 'map'; value: Array<[Reply, Reply]> }
  | { type: 'double'; value: string }
  | { type: 'bool'; value: boolean }
  | { type: 'verbatim'; format: string; value: string }
  | { type: 'bignum'; value: string };

export class ReplyParseError extends Error {
  override name = 'ReplyParseError';
}

export interface ReplyParserOptions {
  /** Add `marker` to nil replies. Off by default, so a nil is always `{ type: 'null' }`. */
  nullMarkers?: boolean;
}

export class ReplyParser {
  #buf: Buffer = Buffer.alloc(0);
  #pos = 0;
  readonly #nullMarkers: boolean;

  constructor(options: ReplyParserOptions = {}) {
    this.#nullMarkers = options.nullMarkers ?? false;
  }

  #nil(marker: '$' | '*' | '_'): Reply {
    return this.#nullMarkers ? { type: 'null', marker } : { type: 'null' };
  }

  feed(chunk: Buffer): void {
    this.#buf = this.#pos >= this.#buf.length ? chunk : Buffer.concat([this.#buf.subarray(this.#pos), chunk]);
    this.#pos = 0;
  }

  /** The next whole reply, or undefined when more bytes are needed. */
  next(): Reply | undefined {
    const result = this.#parse(this.#pos);
    if (result === undefined) return undefined;
    this.#pos = result.end;
    return result.reply;
  }

  #line(pos: number): { text: string; end: number } | undefined {
    const cr = this.#buf.indexOf(13, pos);
    if (cr === -1 || cr + 1 >= this.#buf.length) return undefined;
    return { text: this.#buf.toString('latin1', pos, cr), end: cr + 2 };
  }

  #parse(pos: number): { reply: Reply; end: number } | undefined {
    if (pos >= this.#buf.length) return undefined;
    const marker = String.fromCharCode(this.#buf[pos] as number);
    const line = this.#line(pos + 1);
    if (line === undefined) return undefined;
    const { text, end } = line;
    switch (marker) {
      case '+':
        return { reply: { type: 'simple', value: text }, end };
      case '-':
        return { reply: { type: 'error', value: text }, end };
      case ':':
        return { reply: { type: 'integer', value: BigInt(text) }, end };
      case ',':
        return { reply: { type: 'double', value: text }, end };
      case '#':
        return { reply: { type: 'bool', value: text === 't' }, end };
      case '(':
        return { reply: { type: 'bignum', value: text }, end };
      case '_':
        return { reply: this.#nil('_'), end };
      case '$':
      case '=':
      case '!': {
        const len = Number(text);
        if (len < 0) return { reply: this.#nil('$'), end };
        if (end + len + 2 > this.#buf.length) return undefined;
        const body = this.#buf.toString('latin1', end, end + len);
        const after = end + len + 2;
        if (marker === '$') return { reply: { type: 'bulk', value: body }, end: after };
        if (marker === '!') return { reply: { type: 'error', value: body }, end: after };
        return { reply: { type: 'verbatim', format: body.slice(0, 3), value: body.slice(4) }, end: after };
      }
      case '*':
      case '~':
      case '>':
      case '%':
      case '|': {
        const count = Number(text);
        if (count < 0) return { reply: this.#nil('*'), end };
        const items = marker === '%' || marker === '|' ? count * 2 : count;
        const values: Reply[] = [];
        let at = end;
        for (let i = 0; i < items; i++) {
          const item = this.#parse(at);
          if (item === undefined) return undefined;
          values.push(item.reply);
          at = item.end;
        }
        if (marker === '|') {
          // An attribute precedes the reply it annotates; tools here only need the reply.
          return this.#parse(at);
        }
        if (marker === '%') {
          const pairs: Array<[Reply, Reply]> = [];
          for (let i = 0; i < values.length; i += 2) pairs.push([values[i] as Reply, values[i + 1] as Reply]);
          return { reply: { type: 'map', value: pairs }, end: at };
        }
        const type = marker === '*' ? 'array' : marker === '~' ? 'set' : 'push';
        return { reply: { type, value: values }, end: at };
      }
      default:
        throw new ReplyParseError(`unexpected reply type byte ${JSON.stringify(marker)}`);
    }
  }
}

/** Encodes a command as a RESP multibulk request. */
export function encodeCommand(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const arg of args) {
    const body = typeof arg === 'string' ? Buffer.from(arg, 'latin1') : arg;
    parts.push(Buffer.from(`$${body.length}\r\n`, 'latin1'), body, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}

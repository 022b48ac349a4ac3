/**
 * inet_pton + inet_ntop for CLUSTER MEET: Redis accepts an IPv4 dotted quad or an IPv6 address,
 * and stores it normalized. Returns null for anything else (Redis then says "Invalid node address").
 */

/** glibc inet_pton(AF_INET): four decimal parts 0-255, no leading zeros, nothing else. */
function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes.push(value);
  }
  return bytes;
}

/** inet_pton(AF_INET6): eight 16-bit groups, one `::`, an optional trailing dotted quad. */
function parseIpv6(text: string): number[] | null {
  if (text.length === 0 || text.length > 45) return null;
  let head = text;
  let tailGroups: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (lastColon !== -1 && text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    tailGroups = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    head = text.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const groups: number[] = [];
    for (const group of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
      groups.push(parseInt(group, 16));
    }
    return groups;
  };
  const left = parseGroups(halves[0]!);
  const right = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (left === null || right === null) return null;
  const explicit = left.length + right.length + tailGroups.length;
  if (halves.length === 2) {
    if (explicit > 7) return null;
    return [...left, ...new Array<number>(8 - explicit).fill(0), ...right, ...tailGroups];
  }
  return explicit === 8 ? [...left, ...tailGroups] : null;
}

/** inet_ntop(AF_INET6) as glibc writes it: lowercase, the longest run (≥ 2) of zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestLength < 2) bestStart = -1;
  // An IPv4-mapped or -compatible address keeps its dotted tail.
  const dotted = (hi: number, lo: number): string => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (bestStart === 0 && (bestLength === 6 || (bestLength === 5 && groups[5] === 0xffff))) {
    const prefix = bestLength === 5 ? '::ffff:' : '::';
    return `${prefix}${dotted(groups[6]!, groups[7]!)}`;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLength - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += groups[i]!.toString(16);
  }
  return out;
}

export function normalizeIp(text: string): string | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return v4.join('.');
  const v6 = parseIpv6(text);
  return v6 === null ? null : formatIpv6(v6);
}

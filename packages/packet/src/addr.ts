// MAC and IPv6 address text, and the addresses IPv6 derives from a MAC (RFC 4291, RFC 5952).
// Parsers throw on bad text (it comes from case authors); formatters accept any bytes.

export type MacAddress = string | Uint8Array;
export type Ipv6Address = string | Uint8Array;

export function parseMac(text: string): Uint8Array {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) {
    throw new Error(`invalid MAC address "${text}"`);
  }
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}

/** Lower-case `aa:bb:cc:dd:ee:ff`, the form `NutLink.nutMac` uses. */
export function formatMac(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(':');
}

export function macBytes(mac: MacAddress): Uint8Array {
  if (typeof mac === 'string') return parseMac(mac);
  if (mac.length !== 6) throw new Error(`MAC address must be 6 bytes, got ${mac.length}`);
  return mac;
}

export function parseIpv6(text: string): Uint8Array {
  const fail = (why: string): never => {
    throw new Error(`invalid IPv6 address "${text}": ${why}`);
  };
  const halves = text.split('::');
  if (halves.length > 2) fail('more than one "::"');
  const groups = (part: string, mayEndInIpv4: boolean): number[] => {
    if (part === '') return [];
    const words: number[] = [];
    const pieces = part.split(':');
    pieces.forEach((piece, i) => {
      if (mayEndInIpv4 && i === pieces.length - 1 && piece.includes('.')) {
        // Dotted IPv4 in the last 32 bits (::ffff:192.0.2.1).
        const octets = piece.split('.');
        if (octets.length !== 4 || !octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) <= 255)) {
          fail(`bad embedded IPv4 "${piece}"`);
        }
        const [a, b, c, d] = octets.map(Number) as [number, number, number, number];
        words.push((a << 8) | b, (c << 8) | d);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) fail(`bad group "${piece}"`);
        words.push(parseInt(piece, 16));
      }
    });
    return words;
  };
  const head = groups(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? groups(halves[1] ?? '', true) : [];
  if (halves.length === 2) {
    if (head.length + tail.length > 7) fail('"::" must stand for at least one group');
  } else if (head.length !== 8) {
    fail(`expected 8 groups, got ${head.length}`);
  }
  const words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  return out;
}

/** RFC 5952 text: lower case, no leading zeros, the longest (first on a tie) run of 2+ zero groups as "::". */
export function formatIpv6(bytes: Uint8Array): string {
  if (bytes.length !== 16) return `<${bytes.length}-byte address>`;
  const words = Array.from({ length: 8 }, (_, i) => ((bytes[i * 2] as number) << 8) | (bytes[i * 2 + 1] as number));
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad.
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const txt = words.map((w) => w.toString(16));
  if (bestLen < 2) return txt.join(':');
  return `${txt.slice(0, bestStart).join(':')}::${txt.slice(bestStart + bestLen).join(':')}`;
}

export function ipv6Bytes(addr: Ipv6Address): Uint8Array {
  if (typeof addr === 'string') return parseIpv6(addr);
  if (addr.length !== 16) throw new Error(`IPv6 address must be 16 bytes, got ${addr.length}`);
  return addr;
}

/** Canonical text of any accepted address form, for comparisons in cases. */
export function normalizeIpv6(addr: Ipv6Address): string {
  return formatIpv6(ipv6Bytes(addr));
}

/** Modified EUI-64 interface identifier (RFC 4291 App. A): ff:fe in the middle, universal/local bit flipped. */
export function eui64InterfaceId(mac: MacAddress): Uint8Array {
  const m = macBytes(mac);
  return Uint8Array.of((m[0] as number) ^ 0x02, m[1] as number, m[2] as number, 0xff, 0xfe, m[3] as number, m[4] as number, m[5] as number);
}

/** fe80::/64 plus the EUI-64 identifier: what Linux configures with addr_gen_mode eui64 (the default). */
export function linkLocalFromMac(mac: MacAddress): string {
  const out = new Uint8Array(16);
  out[0] = 0xfe;
  out[1] = 0x80;
  out.set(eui64InterfaceId(mac), 8);
  return formatIpv6(out);
}

/** A /64 prefix plus the EUI-64 identifier (SLAAC address). */
export function slaacAddress(prefix: Ipv6Address, mac: MacAddress): string {
  const out = new Uint8Array(16);
  out.set(ipv6Bytes(prefix).subarray(0, 8), 0);
  out.set(eui64InterfaceId(mac), 8);
  return formatIpv6(out);
}

/** ff02::1:ffXX:XXXX, where NS for `addr` are sent (RFC 4291 §2.7.1). */
export function solicitedNodeMulticast(addr: Ipv6Address): string {
  const a = ipv6Bytes(addr);
  const out = new Uint8Array(16);
  out.set([0xff, 0x02], 0);
  out.set([0x01, 0xff], 11);
  out.set(a.subarray(13, 16), 13);
  return formatIpv6(out);
}

/** 33:33 plus the low 32 bits of a multicast IPv6 address (RFC 2464 §7). */
export function multicastMac(addr: Ipv6Address): string {
  const a = ipv6Bytes(addr);
  return formatMac(Uint8Array.of(0x33, 0x33, a[12] as number, a[13] as number, a[14] as number, a[15] as number));
}

export function isMulticastIpv6(addr: Ipv6Address): boolean {
  return ipv6Bytes(addr)[0] === 0xff;
}

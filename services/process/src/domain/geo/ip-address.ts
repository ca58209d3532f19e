import { isIPv4, isIPv6 } from 'node:net';

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
const MAPPED_V4_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/** The address in the form lookups expect: IPv4-mapped IPv6 (::ffff:a.b.c.d, ::ffff:0808:0808) becomes plain IPv4. */
export function normaliseIp(ip: string): string | null {
  const trimmed = ip.trim();
  const mapped = MAPPED_V4.exec(trimmed)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  const hex = MAPPED_V4_HEX.exec(trimmed);
  if (hex) {
    const [high, low] = [Number.parseInt(hex[1]!, 16), Number.parseInt(hex[2]!, 16)];
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return isIPv4(trimmed) || isIPv6(trimmed) ? trimmed : null;
}

/**
 * The address with its host part zeroed: the last octet of IPv4, the last 80 bits of IPv6 (what
 * Google Analytics does), so it still locates a network but no longer a subscriber.
 */
export function anonymiseIp(ip: string): string | null {
  const address = normaliseIp(ip);
  if (address === null) return null;
  if (isIPv4(address)) return address.replace(/\.\d+$/, '.0');
  const groups = expandIPv6(address).slice(0, 3);
  return `${groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::`;
}

/** The eight 16-bit groups of an IPv6 address, as hex text (an embedded IPv4 tail is converted). */
function expandIPv6(address: string): string[] {
  let text = address.replace(/%.*$/, '');
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right];
}

import { BlockList, isIP } from 'node:net';

/** Trusted proxies as CIDRs or addresses, e.g. `10.0.0.0/8,127.0.0.1`. */
export function trustedProxyList(spec: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of spec) {
    const [address = '', bits] = entry.trim().split('/');
    const family = isIP(address);
    if (family === 0) throw new Error(`trusted proxy "${entry}" is not an IP address or CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

function normalise(hop: string): string | undefined {
  let ip = hop.trim();
  if (ip.startsWith('[')) ip = ip.slice(1, ip.indexOf(']')); // [v6]:port
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(':'));
  if (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4) ip = ip.slice(7);
  return isIP(ip) ? ip : undefined;
}

/**
 * The client's address: walk X-Forwarded-For from the nearest hop back, skipping proxies we
 * trust; the first hop we don't trust is the client. Anything further left was written by the
 * client itself and cannot be believed.
 */
export function clientIp(peer: string | undefined, forwardedFor: string | undefined, trusted: BlockList): string | undefined {
  // Without X-Forwarded-For the peer is the client, trusted or not (most uploads; it showed in profiles).
  if (!forwardedFor) return peer === undefined ? undefined : normalise(peer);
  const chain = [...(forwardedFor ? forwardedFor.split(',') : []), ...(peer ? [peer] : [])]
    .map(normalise)
    .filter((ip): ip is string => ip !== undefined);
  for (let i = chain.length - 1; i >= 0; i--) {
    const ip = chain[i]!;
    const trustedHop = trusted.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
    if (!trustedHop || i === 0) return ip;
  }
  return undefined;
}

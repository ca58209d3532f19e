import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientIp, trustedProxyList } from '../src/client-ip.js';

const noProxies = trustedProxyList([]);
const proxies = trustedProxyList(['10.0.0.0/8', '192.0.2.10', '2001:db8::/32', '::1']);

describe('trustedProxyList', () => {
  it('accepts IPv4 and IPv6 addresses and CIDRs, ignoring surrounding spaces', () => {
    const list = trustedProxyList([' 10.0.0.0/8 ', '192.0.2.10', '2001:db8::/32', 'fe80::1']);
    assert.equal(list.check('10.200.3.4', 'ipv4'), true);
    assert.equal(list.check('192.0.2.10', 'ipv4'), true);
    assert.equal(list.check('192.0.2.11', 'ipv4'), false);
    assert.equal(list.check('2001:db8:1234::9', 'ipv6'), true);
    assert.equal(list.check('fe80::1', 'ipv6'), true);
    assert.equal(list.check('2001:db9::1', 'ipv6'), false);
  });

  it('refuses an entry that is not an address or CIDR, so a typo fails at cold start', () => {
    assert.throws(() => trustedProxyList(['proxy.internal']), /not an IP address or CIDR/);
    assert.throws(() => trustedProxyList(['10.0.0/8']), /not an IP address or CIDR/);
  });
});

describe('clientIp', () => {
  it('answers the peer address when there is no X-Forwarded-For', () => {
    assert.equal(clientIp('203.0.113.7', undefined, proxies), '203.0.113.7');
    assert.equal(clientIp('203.0.113.7', '', proxies), '203.0.113.7');
    assert.equal(clientIp('2606:4700::6810:84e5', undefined, noProxies), '2606:4700::6810:84e5');
  });

  it('answers undefined when neither a peer nor a usable hop is known', () => {
    assert.equal(clientIp(undefined, undefined, proxies), undefined);
    assert.equal(clientIp(undefined, 'unknown, garbage', proxies), undefined);
  });

  it('ignores X-Forwarded-For entirely when the peer is not a trusted proxy (the client wrote it)', () => {
    assert.equal(clientIp('203.0.113.7', '198.51.100.9', noProxies), '203.0.113.7');
    assert.equal(clientIp('203.0.113.7', '10.0.0.1, 198.51.100.9', proxies), '203.0.113.7');
  });

  it('skips a trusted IPv4 proxy (CIDR) and answers the hop it forwarded for', () => {
    assert.equal(clientIp('10.1.2.3', '198.51.100.9', proxies), '198.51.100.9');
  });

  it('skips a trusted single address', () => {
    assert.equal(clientIp('192.0.2.10', '198.51.100.9', proxies), '198.51.100.9');
    assert.equal(clientIp('192.0.2.11', '198.51.100.9', proxies), '192.0.2.11');
  });

  it('walks several trusted hops from the right and answers the first untrusted one', () => {
    assert.equal(clientIp('10.0.0.5', '198.51.100.9, 10.20.0.1, 192.0.2.10', proxies), '198.51.100.9');
  });

  it('ignores spoofed entries left of the first untrusted hop', () => {
    // The client sent "X-Forwarded-For: 1.1.1.1, 8.8.8.8"; our proxy appended the real address.
    assert.equal(clientIp('10.0.0.5', '1.1.1.1, 8.8.8.8, 198.51.100.9', proxies), '198.51.100.9');
    // A spoofed entry inside the trusted range does not help: the untrusted hop stops the walk first.
    assert.equal(clientIp('10.0.0.5', '10.9.9.9, 198.51.100.9', proxies), '198.51.100.9');
  });

  it('skips trusted IPv6 proxies (CIDR and loopback)', () => {
    assert.equal(clientIp('2001:db8::1', '2606:4700::1111, 2001:db8:aa::2', proxies), '2606:4700::1111');
    assert.equal(clientIp('::1', '203.0.113.7', proxies), '203.0.113.7');
  });

  it('treats IPv4-mapped IPv6 (::ffff:a.b.c.d) as the IPv4 address, for trust and for the answer', () => {
    assert.equal(clientIp('::ffff:10.0.0.5', '::ffff:198.51.100.9', proxies), '198.51.100.9');
    assert.equal(clientIp('::ffff:203.0.113.7', undefined, proxies), '203.0.113.7');
  });

  it('strips the port of an IPv4 hop written as ip:port', () => {
    assert.equal(clientIp('10.0.0.5', '198.51.100.9:52311', proxies), '198.51.100.9');
    assert.equal(clientIp('10.0.0.5', '198.51.100.9:52311, 10.0.0.6:443', proxies), '198.51.100.9');
  });

  it('strips the brackets and port of an IPv6 hop written as [v6]:port', () => {
    assert.equal(clientIp('10.0.0.5', '[2001:db9:cafe::17]:4711', proxies), '2001:db9:cafe::17');
    assert.equal(clientIp('10.0.0.5', '[2001:db9:cafe::17]', proxies), '2001:db9:cafe::17');
    assert.equal(clientIp('10.0.0.5', '[::ffff:198.51.100.9]:80', proxies), '198.51.100.9');
  });

  it('skips hops that are not addresses (garbage, "unknown", empty, hostnames)', () => {
    assert.equal(clientIp('10.0.0.5', '198.51.100.9, unknown, , proxy.internal, 999.1.1.1', proxies), '198.51.100.9');
    assert.equal(clientIp('10.0.0.5', 'unknown', proxies), '10.0.0.5');
  });

  it('tolerates spaces around hops', () => {
    assert.equal(clientIp('10.0.0.5', '   198.51.100.9  ,10.0.0.7 ', proxies), '198.51.100.9');
  });

  it('answers the left-most hop when every hop is a trusted proxy', () => {
    assert.equal(clientIp('10.0.0.5', '10.0.0.9, 10.0.0.8', proxies), '10.0.0.9');
  });
});

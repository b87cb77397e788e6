/**
 * Where a webhook may be sent. At registration: an absolute https URL (http only to a
 * loopback host, or anywhere when `allowHttp`), no credentials or fragment, at most 2048
 * characters, and no IP literal in a private, loopback, link-local or otherwise
 * non-public range unless `allowPrivate`. At each request the addresses a name resolves to
 * are checked again in the connection's own lookup (`guardedLookup`), so a name that later
 * points inside the network (DNS rebinding) is refused at the moment of connecting.
 */
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** What the configuration allows. */
export interface TargetPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['64:ff9b::', 96],
  // Teredo and 6to4 carry an IPv4 address that may be a private one: refused whole.
  ['2001::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** Whether `address` (an IP literal) is outside the public internet: private, loopback, link-local, multicast, reserved. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped !== null) return blocked.check(mapped[1]!, 'ipv4');
  const family = isIP(bare);
  if (family === 0) return true;
  return blocked.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '[::1]';

/** Why `text` may not be a webhook target under `policy`; undefined when it may. */
export function targetProblem(text: string, policy: TargetPolicy): string | undefined {
  if (text.length > 2048) return 'the URL is longer than 2048 characters';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'the URL must be https';
  if (url.protocol === 'http:' && !policy.allowHttp && !isLoopbackHost(url.hostname))
    return 'the URL must be https (http only to a loopback host)';
  if (url.username !== '' || url.password !== '') return 'the URL may not carry credentials';
  if (url.hash !== '' || text.includes('#')) return 'the URL may not carry a fragment';
  const host = url.hostname;
  const literal = isIP(host.replace(/^\[|\]$/g, '')) !== 0;
  if (
    !policy.allowPrivate &&
    (host === 'localhost' || host.endsWith('.localhost') || (literal && isPrivateAddress(host)))
  )
    return 'the URL points at a private, loopback or link-local address';
  return undefined;
}

/**
 * A `lookup` for node:http(s) that refuses private addresses unless `allowPrivate`: the
 * check happens on the addresses actually connected to.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (
    hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err !== null) return callback(err, '');
      const list = addresses;
      const refused = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (refused !== undefined) {
        const error: NodeJS.ErrnoException = new Error(
          `${hostname} resolves to a private address (${refused.address})`,
        );
        error.code = 'WEBHOOK_TARGET_PRIVATE';
        return callback(error, '');
      }
      if (options.all === true) return callback(null, list);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };
}

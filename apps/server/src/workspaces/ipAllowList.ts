/**
 * A workspace's IP allow-list (R12): CIDR ranges, IPv4 and IPv6. Pure: parsing, normalising and matching;
 * the access rule at the bottom plugs it into the one access decision (`accessDecision.ts`), so HTTP
 * routes, socket handshakes and open sockets (re-checked when the list changes) all obey the same list.
 */
import { IP_ALLOW_LIST_MAX } from '@tsudoi/protocol';
import ipaddr from 'ipaddr.js';
import type { AccessRule } from './accessDecision.js';
import { PLAN_FEATURES } from './planPolicy.js';
import { resolveSecurity } from './security.js';
import type { Workspace } from './workspaceRepo.js';

/** One entry that cannot be used, with the reason shown next to it. */
export interface RangeProblem {
  index: number;
  entry: string;
  reason: 'notAnAddress' | 'badPrefix' | 'zoneNotAllowed';
}

export type ParsedAllowList = { ok: true; ranges: string[] } | { ok: false; problems: RangeProblem[] };

/**
 * Pure: the entries as normalised CIDR ranges. A bare address is its own range (/32, /128); host bits are
 * cleared (`192.0.2.7/24` → `192.0.2.0/24`); an IPv4-mapped IPv6 range is written as IPv4; duplicates go.
 * Every problem is reported, not only the first.
 */
export function parseAllowList(entries: readonly string[]): ParsedAllowList {
  const problems: RangeProblem[] = [];
  const out = new Set<string>();
  for (const [index, raw] of entries.entries()) {
    const entry = raw.trim();
    const range = parseRange(entry);
    if (range.ok) out.add(range.cidr);
    else problems.push({ index, entry, reason: range.reason });
  }
  if (problems.length > 0) return { ok: false, problems };
  if (out.size > IP_ALLOW_LIST_MAX) return { ok: false, problems: [] };
  return { ok: true, ranges: [...out] };
}

/** Pure: one entry as a normalised CIDR range, or why it is not one. */
function parseRange(
  entry: string,
): { ok: true; cidr: string } | { ok: false; reason: RangeProblem['reason'] } {
  if (entry.includes('%')) return { ok: false, reason: 'zoneNotAllowed' };
  const [addressPart, prefixPart, ...rest] = entry.split('/');
  if (!addressPart || rest.length > 0 || !ipaddr.isValid(addressPart))
    return { ok: false, reason: 'notAnAddress' };
  let address = ipaddr.parse(addressPart);
  let prefix = address.kind() === 'ipv4' ? 32 : 128;
  if (prefixPart !== undefined) {
    if (!/^\d{1,3}$/.test(prefixPart) || Number(prefixPart) > prefix)
      return { ok: false, reason: 'badPrefix' };
    prefix = Number(prefixPart);
  }
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() && prefix >= 96) {
    address = address.toIPv4Address();
    prefix -= 96;
  }
  const network =
    address instanceof ipaddr.IPv4
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${prefix}`);
  return { ok: true, cidr: `${network.toString()}/${prefix}` };
}

/**
 * Pure: whether `ip` is inside one of `ranges` (normalised by {@link parseAllowList}). An empty list allows
 * every address; an address that cannot be read is never inside a non-empty list. `::ffff:192.0.2.7`
 * (how a dual-stack socket reports an IPv4 peer) counts as `192.0.2.7`.
 */
export function ipAllowed(ip: string | null, ranges: readonly string[]): boolean {
  if (ranges.length === 0) return true;
  if (!ip || !ipaddr.isValid(ip)) return false;
  const address = ipaddr.process(ip);
  return ranges.some((range) => {
    const [network, prefix] = ipaddr.parseCIDR(range);
    return network.kind() === address.kind() && address.match(network, prefix);
  });
}

/**
 * Pure: whether the workspace accepts a connection from `ip`: always unless its plan includes the feature
 * and its list is not empty. A workspace whose plan no longer includes it keeps its list stored, unused.
 */
export function workspaceAllowsIp(ws: Pick<Workspace, 'plan' | 'security'>, ip: string | null): boolean {
  if (!PLAN_FEATURES[ws.plan].ipAllowList) return true;
  return ipAllowed(ip, resolveSecurity(ws.security).ipAllowList);
}

/** The refusal every edge gives (HTTP, socket, invitation acceptance). */
export const IP_NOT_ALLOWED_MESSAGE = 'This workspace does not accept connections from your network address.';

/**
 * The access rule: at the edges (HTTP, sockets) of an Enterprise workspace whose list is not empty, a
 * client address outside it is refused with IP_NOT_ALLOWED. Service-internal calls carry no address and
 * are not the edge.
 */
export const ipAllowListRule: AccessRule = (req) => {
  if (req.via === 'service' || !req.workspace) return undefined;
  if (workspaceAllowsIp(req.workspace, req.clientIp)) return undefined;
  return { allow: false, reason: 'ipNotAllowed', code: 'IP_NOT_ALLOWED', message: IP_NOT_ALLOWED_MESSAGE };
};

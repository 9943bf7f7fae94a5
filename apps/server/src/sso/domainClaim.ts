/**
 * Claiming email domains for a workspace's IdP inside a unit of work (store.ts rules: reads first, then
 * writes). `planDomainClaim` does the reads and decides; the caller may do its own atomic step, then
 * writes the change with `tx.sso.routeDomains`. Two workspaces racing for a domain: the engines serialise
 * the two units (SQLite) or retry the one whose read holder changed (Firestore), so one of them sees it taken.
 */
import { domainChange } from './ssoDomains.js';
import type { SsoRepo } from './ssoRepo.js';

export type DomainClaim = { taken: string } | { add: string[]; remove: string[] };

export async function planDomainClaim(
  tx: { sso: Pick<SsoRepo, 'domainsOf' | 'domainHolders'> },
  workspaceId: string,
  domains: readonly string[],
): Promise<DomainClaim> {
  const held = await tx.sso.domainsOf(workspaceId);
  return domainChange(workspaceId, domains, held, await tx.sso.domainHolders(domains));
}

/** A whole claim in its own unit of work; null when done, else the domain another workspace routes. */
export function claimDomains(
  store: { transaction<T>(fn: (tx: { sso: SsoRepo }) => Promise<T>): Promise<T> },
  workspaceId: string,
  domains: readonly string[],
): Promise<{ taken: string } | null> {
  return store.transaction(async (tx) => {
    const claim = await planDomainClaim(tx, workspaceId, domains);
    if ('taken' in claim) return claim;
    await tx.sso.routeDomains(workspaceId, claim);
    return null;
  });
}

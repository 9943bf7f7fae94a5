/**
 * What single sign-on keeps in the store (R11), so that any instance can serve any step of a sign-in:
 * - the email domains each workspace routes to its IdP ("Sign in with your company" by email); a domain
 *   belongs to at most one workspace;
 * - the AuthnRequests sent (answerable once, from the browser that started them, before they expire);
 * - the assertion ids accepted (each accepted once until it expires: the replay cache).
 * Times are epoch milliseconds on the server's clock. Request and assertion ids are global (an IdP's ids are
 * not scoped by workspace); each request records the workspace it was sent for.
 */

export interface SsoRequestRecord {
  id: string;
  workspaceId: string;
  /** SHA-256 (hex) of the nonce in the starting browser's cookie. */
  browserHash: string;
  createdAt: number;
  /** When an answer first used it up; null while unanswered. */
  usedAt: number | null;
}

export interface SsoRepo {
  /**
   * Which workspace routes each of `domains` (only the routed ones are in the map). A plain read: claim
   * domains in a unit of work that reads the holders, decides (`domainChange`), then writes.
   */
  domainHolders(domains: readonly string[]): Promise<Map<string, string>>;
  /** Plain writes: routes `add` to `workspaceId` and stops routing `remove` (domains it holds). */
  routeDomains(
    workspaceId: string,
    change: { add: readonly string[]; remove: readonly string[] },
  ): Promise<void>;
  /** The domains routed to a workspace, sorted. */
  domainsOf(workspaceId: string): Promise<string[]>;
  /** The workspace an email domain is routed to. */
  workspaceForDomain(domain: string): Promise<string | undefined>;

  /** Records a sent AuthnRequest (its id is new). */
  rememberRequest(request: Omit<SsoRequestRecord, 'usedAt'>): Promise<void>;
  /**
   * Atomically marks a request used at `now` and returns it as it was before (so `usedAt !== null` means
   * an earlier answer used it); undefined when no such request was sent (or it was pruned).
   */
  takeRequest(id: string, now: number): Promise<SsoRequestRecord | undefined>;
  /** Records an accepted assertion id until `expiresAt`; false when it is already recorded and unexpired. */
  acceptAssertionOnce(assertionId: string, expiresAt: number, now: number): Promise<boolean>;
  /**
   * Removes at most `limit` requests created before `requestsBefore` and assertion records expired at
   * `now`; returns how many were removed.
   */
  prune(requestsBefore: number, now: number, limit: number): Promise<number>;
}

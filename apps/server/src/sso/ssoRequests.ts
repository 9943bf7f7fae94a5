/**
 * The AuthnRequests this server sent (each answerable once, from the browser that started it, before it
 * expires) and the assertion ids it accepted (each accepted once until the assertion itself expires).
 * In memory, on the server's clock; a request and its answer go to the same instance (sticky load balancing).
 */
import { createHash } from 'node:crypto';
import type { CacheItem, CacheProvider } from '@node-saml/node-saml';
import type { Clock } from '../clock.js';

/** How long an AuthnRequest may be answered. */
export const SSO_REQUEST_TTL_MS = 10 * 60_000;
/** How long a used request id is remembered, so a second answer is named a replay. */
const USED_TTL_MS = 60 * 60_000;
const MAX_ENTRIES = 100_000;

export type TakeOutcome = 'ok' | 'unknown' | 'replayed' | 'expired' | 'otherBrowser' | 'otherWorkspace';

interface Pending {
  workspaceId: string;
  browser: string;
  createdAt: number;
  usedAt: number | null;
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

export class SsoRequests {
  readonly #requests = new Map<string, Pending>();
  readonly #assertions = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** Remembers a request id sent for `workspaceId` by the browser holding `browserNonce`. */
  remember(requestId: string, workspaceId: string, browserNonce: string): void {
    this.#sweep();
    this.#requests.set(requestId, {
      workspaceId,
      browser: hash(browserNonce),
      createdAt: this.clock().getTime(),
      usedAt: null,
    });
  }

  /** Uses a request id up: 'ok' exactly once, for its workspace and browser, before it expires. */
  take(requestId: string, workspaceId: string, browserNonce: string | undefined): TakeOutcome {
    const now = this.clock().getTime();
    const p = this.#requests.get(requestId);
    if (!p) return 'unknown';
    if (p.usedAt !== null) return 'replayed';
    if (p.workspaceId !== workspaceId) return 'otherWorkspace';
    if (!browserNonce || hash(browserNonce) !== p.browser) return 'otherBrowser';
    p.usedAt = now; // used by this attempt, whatever its outcome
    if (now > p.createdAt + SSO_REQUEST_TTL_MS) return 'expired';
    return 'ok';
  }

  /** Records an accepted assertion id; false when it was accepted before (a replay). */
  acceptAssertionOnce(assertionId: string, notOnOrAfterMs: number): boolean {
    const now = this.clock().getTime();
    const until = this.#assertions.get(assertionId);
    if (until !== undefined && until > now) return false;
    this.#assertions.set(assertionId, Math.max(notOnOrAfterMs, now + USED_TTL_MS));
    return true;
  }

  /**
   * node-saml's cache for one response: the first look-up of an id takes it (see {@link take}); later
   * look-ups within the same validation see the same answer. Saving and removing are done here, not there.
   */
  cacheFor(
    workspaceId: string,
    browserNonce: string | undefined,
    outcome: { value?: TakeOutcome },
  ): CacheProvider {
    const createdAt = new Date().toISOString();
    return {
      saveAsync: async (): Promise<CacheItem | null> => null,
      getAsync: async (id: string) => {
        outcome.value ??= this.take(id, workspaceId, browserNonce);
        return outcome.value === 'ok' ? createdAt : null;
      },
      removeAsync: async () => null,
    };
  }

  #sweep(): void {
    if (this.#requests.size < MAX_ENTRIES && this.#assertions.size < MAX_ENTRIES) return;
    const now = this.clock().getTime();
    for (const [id, p] of this.#requests)
      if (now > (p.usedAt ?? p.createdAt) + USED_TTL_MS) this.#requests.delete(id);
    for (const [id, until] of this.#assertions) if (until <= now) this.#assertions.delete(id);
  }
}

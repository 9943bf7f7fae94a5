/**
 * The AuthnRequests this service sent (each answerable once, from the browser that started it, before it
 * expires) and the assertion ids it accepted (each accepted once until the assertion itself expires). Kept
 * in the store (`SsoRepo`), so the IdP's answer may reach any instance; old records are pruned as new
 * requests are sent, at most once a minute per instance and a bounded number at a time.
 */
import { createHash } from 'node:crypto';
import type { CacheItem, CacheProvider } from '@node-saml/node-saml';
import type { Clock } from '../clock.js';
import type { SsoRepo } from './ssoRepo.js';

/** How long an AuthnRequest may be answered. */
export const SSO_REQUEST_TTL_MS = 10 * 60_000;
/** How long a used or unanswered request id is remembered, so a late second answer is named a replay. */
export const SSO_REQUEST_KEPT_MS = 60 * 60_000;
/** How long an accepted assertion id is remembered at least (longer when the assertion is valid longer). */
const ASSERTION_KEPT_MS = 60 * 60_000;
const PRUNE_EVERY_MS = 60_000;
const PRUNE_BATCH = 200;

export type TakeOutcome = 'ok' | 'unknown' | 'replayed' | 'expired' | 'otherBrowser' | 'otherWorkspace';

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

export class SsoRequests {
  #lastPrune = 0;

  constructor(
    private readonly repo: SsoRepo,
    private readonly clock: Clock,
    private readonly onPruneError: (err: unknown) => void = () => undefined,
  ) {}

  /** Remembers a request id sent for `workspaceId` by the browser holding `browserNonce`. */
  async remember(requestId: string, workspaceId: string, browserNonce: string): Promise<void> {
    const now = this.clock().getTime();
    await this.repo.rememberRequest({
      id: requestId,
      workspaceId,
      browserHash: hash(browserNonce),
      createdAt: now,
    });
    if (now - this.#lastPrune >= PRUNE_EVERY_MS) {
      this.#lastPrune = now;
      this.repo.prune(now - SSO_REQUEST_KEPT_MS, now, PRUNE_BATCH).catch(this.onPruneError);
    }
  }

  /** Uses a request id up: 'ok' exactly once, for its workspace and browser, before it expires. */
  async take(requestId: string, workspaceId: string, browserNonce: string | undefined): Promise<TakeOutcome> {
    const now = this.clock().getTime();
    const p = await this.repo.takeRequest(requestId, now); // used by this attempt, whatever its outcome
    if (!p) return 'unknown';
    if (p.usedAt !== null) return 'replayed';
    if (p.workspaceId !== workspaceId) return 'otherWorkspace';
    if (!browserNonce || hash(browserNonce) !== p.browserHash) return 'otherBrowser';
    if (now > p.createdAt + SSO_REQUEST_TTL_MS) return 'expired';
    return 'ok';
  }

  /** Records an accepted assertion id; false when it was accepted before (a replay). */
  acceptAssertionOnce(assertionId: string, notOnOrAfterMs: number): Promise<boolean> {
    const now = this.clock().getTime();
    return this.repo.acceptAssertionOnce(assertionId, Math.max(notOnOrAfterMs, now + ASSERTION_KEPT_MS), now);
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
        outcome.value ??= await this.take(id, workspaceId, browserNonce);
        return outcome.value === 'ok' ? createdAt : null;
      },
      removeAsync: async () => null,
    };
  }
}

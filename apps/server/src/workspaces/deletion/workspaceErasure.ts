import type { WorkspaceEraser } from './eraser.js';

/** The eraser that removes the workspace record itself; it always runs last. */
export const WORKSPACE_RECORD_DOMAIN = 'workspace';

/**
 * Erases a workspace by running every domain's {@link WorkspaceEraser} in turn — the store engine's
 * (`store.erasers`: rows or documents of messages, rooms, accounts, SSO, access log, contract) and those
 * other domains add with {@link add} (image files, the workspace's data key for crypto-shredding) — the
 * workspace record last, then `flush` (the store makes deleted rows unreadable on disk). Returns what went,
 * as `domain.what` → count. Never touches the contract log (R17 keeps it 8 years).
 */
export class WorkspaceErasure {
  readonly #erasers: WorkspaceEraser[] = [];

  constructor(
    erasers: readonly WorkspaceEraser[],
    private readonly flush: () => Promise<void>,
  ) {
    for (const e of erasers) this.add(e);
  }

  /** The hook for other domains: their eraser runs before the workspace record's. */
  add(eraser: WorkspaceEraser): void {
    if (this.#erasers.some((e) => e.domain === eraser.domain))
      throw new TypeError(`a workspace eraser for "${eraser.domain}" is already registered`);
    this.#erasers.push(eraser);
  }

  get domains(): string[] {
    return this.#ordered().map((e) => e.domain);
  }

  async erase(workspaceId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const eraser of this.#ordered())
      for (const [what, n] of Object.entries(await eraser.eraseWorkspace(workspaceId)))
        counts[`${eraser.domain}.${what}`] = n;
    await this.flush();
    return counts;
  }

  #ordered(): WorkspaceEraser[] {
    return [
      ...this.#erasers.filter((e) => e.domain !== WORKSPACE_RECORD_DOMAIN),
      ...this.#erasers.filter((e) => e.domain === WORKSPACE_RECORD_DOMAIN),
    ];
  }
}

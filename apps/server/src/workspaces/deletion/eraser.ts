/**
 * One domain's part of erasing a workspace: removes every row, document, file or key of the workspace it
 * owns and says how many of each went (e.g. `{ messages: 12, attachments: 2 }`). Idempotent: a second call
 * after a crash finds less (or nothing) and returns the counts of that. Erasers run one after another, the
 * workspace record itself last.
 */
export interface WorkspaceEraser {
  /** The domain, e.g. `messages`, `images`, `keys`; prefixes the counts it returns. */
  readonly domain: string;
  eraseWorkspace(workspaceId: string): Promise<Record<string, number>>;
}

import type { WorkspaceSecurity } from './security.js';

export type Plan = 'free' | 'team' | 'enterprise';

export interface Workspace {
  id: string;
  name: string;
  plan: Plan;
  /** IANA time zone; the 1:00 a.m. retention job runs in it. */
  timeZone: string;
  createdAt: string;
  /** Password policy and MFA requirement; defaults apply where unset. */
  security?: Partial<WorkspaceSecurity>;
  /** Set while the workspace is deleted and awaits erasure (workspaces/deletion): nobody may enter it. */
  closedAt?: string;
}

export interface WorkspaceRepo {
  create(ws: Workspace): Promise<void>;
  get(id: string): Promise<Workspace | undefined>;
  update(
    id: string,
    patch: Partial<Pick<Workspace, 'name' | 'plan' | 'timeZone' | 'security'>> & { closedAt?: string | null },
  ): Promise<Workspace | undefined>;
  listByIds(ids: readonly string[]): Promise<Workspace[]>;
}

import { create } from 'zustand';
import type { SessionLoss, WorkspaceLoss } from '../realtime/accessEndPolicy';

/**
 * Why this page was just sent away: it lost one workspace (shown on the workspace list; the others go
 * on), or its session ended (shown on the sign-in screen). `path` is where it is shown: moving elsewhere
 * dismisses it.
 */
export type AccessNotice = { path: string } & (
  | { kind: 'workspace'; workspace: string | null; reason: WorkspaceLoss }
  | { kind: 'session'; reason: SessionLoss }
);

export const useAccessNotice = create<{ notice: AccessNotice | null }>()(() => ({ notice: null }));

/** Actions callable outside React (the workspace socket's end handler). */
export const accessNoticeActions = {
  show: (notice: AccessNotice) => useAccessNotice.setState({ notice }),
  dismiss: () => useAccessNotice.setState({ notice: null }),
};

import type { WorkspaceSummary } from '@tsudoi/protocol';
import { useT } from '../i18n/useT';
import { useSession } from '../state/session';
import { useWorkspaceSocket } from './floor/useWorkspaceSocket';
import { AppShell } from './shell/AppShell';

/** /w/:id(/settings/:section) — one workspace in the app shell. Unknown or foreign ids show "not found". */
export function WorkspaceHome({ workspaceId }: { workspaceId: string }) {
  const t = useT();
  const session = useSession();
  if (session.status !== 'signed-in') return null;
  const ws = session.info.workspaces.find((w) => w.id === workspaceId);
  if (!ws) return <p role="alert">{t('err.NOT_FOUND')}</p>;
  return <WorkspaceFloor key={ws.id} ws={ws} all={session.info.workspaces} me={session.info.user.id} />;
}

/** A workspace the user belongs to: its socket lives as long as this page. */
function WorkspaceFloor({ ws, all, me }: { ws: WorkspaceSummary; all: WorkspaceSummary[]; me: string }) {
  const session = useSession();
  useWorkspaceSocket(ws.id, me);
  const displayName = session.status === 'signed-in' ? session.info.user.displayName : '';
  return <AppShell ws={ws} all={all} me={{ id: me, displayName }} />;
}

import type { MessageKey } from '../i18n/messages';
import { useT } from '../i18n/useT';
import { navigate } from '../routing/router';
import { useSession } from '../state/session';
import { Members } from './Members';

/** /w/:id — one workspace: its floor and members. Unknown or foreign ids show "not found". */
export function WorkspaceHome({ workspaceId }: { workspaceId: string }) {
  const t = useT();
  const session = useSession();
  if (session.status !== 'signed-in') return null;
  const ws = session.info.workspaces.find((w) => w.id === workspaceId);
  if (!ws) return <p role="alert">{t('err.NOT_FOUND')}</p>;
  return (
    <div className="workspace">
      <div className="ws-bar">
        <h2>{ws.name}</h2>
        <span className="badge">
          {t('ws.plan')}: {ws.plan}
        </span>
        <label className="inline">
          {t('ws.switch')}{' '}
          <select value={ws.id} onChange={(e) => navigate(`/w/${e.target.value}`)}>
            {session.info.workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name} ({t(`ws.role.${w.role}` as MessageKey)})
              </option>
            ))}
          </select>
        </label>
      </div>
      <Members workspaceId={ws.id} isAdmin={ws.role !== 'member'} />
    </div>
  );
}

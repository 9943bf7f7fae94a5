import type { WorkspaceSummary } from '@tsudoi/protocol';
import { useState } from 'react';
import { api } from '../api/http';
import type { MessageKey } from '../i18n/messages';
import { useT } from '../i18n/useT';
import { navigate } from '../routing/router';
import { sessionActions, useSession } from '../state/session';
import { DeletedWorkspaces } from './DeletedWorkspaces';
import { FormError, useAction } from './useAction';

/** The signed-in user's workspaces: open one, or create a new one. */
export function Workspaces() {
  const t = useT();
  const session = useSession();
  const [name, setName] = useState('');
  const { busy, error, run } = useAction();
  if (session.status !== 'signed-in') return null;
  const list = session.info.workspaces;
  return (
    <section className="card" aria-labelledby="ws-title">
      <h2 id="ws-title">{t('ws.title')}</h2>
      {list.length === 0 ? (
        <p>{t('ws.none')}</p>
      ) : (
        <ul className="list" aria-label={t('ws.title')}>
          {list.map((w) => (
            <li key={w.id}>
              <a
                href={`/w/${w.id}`}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`/w/${w.id}`);
                }}
              >
                {w.name}
              </a>{' '}
              <span className="badge">{t(`ws.role.${w.role}` as MessageKey)}</span>
            </li>
          ))}
        </ul>
      )}
      <DeletedWorkspaces />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const ws = await api<WorkspaceSummary>('POST', '/api/workspaces', {
              name,
              timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
            });
            await sessionActions.load();
            setName('');
            navigate(`/w/${ws.id}`);
          });
        }}
      >
        <label>
          {t('ws.name')}
          <input
            name="workspaceName"
            required
            maxLength={80}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <FormError message={error} />
        <button type="submit" disabled={busy}>
          {t('ws.create')}
        </button>
      </form>
    </section>
  );
}

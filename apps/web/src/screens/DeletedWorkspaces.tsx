import type { RestorableWorkspace } from '@tsudoi/protocol';
import { useEffect, useState } from 'react';
import { api } from '../api/http';
import { useT } from '../i18n/useT';
import { navigate } from '../routing/router';
import { sessionActions } from '../state/session';
import { FormError, useAction } from './useAction';

/** An owner's deleted workspaces still in their 30-day grace period, each with "Restore". */
export function DeletedWorkspaces() {
  const t = useT();
  const [list, setList] = useState<RestorableWorkspace[]>([]);
  const { busy, error, run } = useAction();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `run` is a new function every render; load once.
  useEffect(() => {
    void run(async () =>
      setList(
        (await api<{ workspaces: RestorableWorkspace[] }>('GET', '/api/workspaces/deleted')).workspaces,
      ),
    );
  }, []);
  if (list.length === 0) return <FormError message={error} />;
  return (
    <div data-testid="deleted-workspaces">
      <h3>{t('ws.deleted.title')}</h3>
      <ul className="list">
        {list.map((w) => (
          <li key={w.id} className="row">
            <span>
              {w.name}{' '}
              <span className="hint">
                {t('ws.deleted.until', { date: new Date(w.eraseAfter).toLocaleDateString() })}
              </span>
            </span>
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  await api('POST', `/api/workspaces/${w.id}/restore`, {});
                  await sessionActions.load();
                  navigate(`/w/${w.id}`);
                })
              }
            >
              {t('ws.deleted.restore', { name: w.name })}
            </button>
          </li>
        ))}
      </ul>
      <FormError message={error} />
    </div>
  );
}

import { useEffect } from 'react';
import type { MessageKey } from '../i18n/messages';
import { useT } from '../i18n/useT';
import { useRoute } from '../routing/router';
import { accessNoticeActions, useAccessNotice } from '../state/accessNotice';
import { useSession } from '../state/session';

/**
 * Says why the page just left a workspace or the session: "You no longer have access to …" on the
 * workspace list, or why the sign-in screen is back. Gone once dismissed, after moving to another page,
 * or (a session notice) once signed in again.
 */
export function AccessNotice() {
  const t = useT();
  const notice = useAccessNotice((s) => s.notice);
  // Shown on the way to `notice.path`: moving anywhere else dismisses it, and so does signing in again
  // (it may be shown a moment before this tab learns that its session is over).
  useEffect(() => {
    if (!notice) return;
    const offs = [
      useRoute.subscribe((r) => {
        if (r.path !== notice.path) accessNoticeActions.dismiss();
      }),
      useSession.subscribe((s, prev) => {
        if (notice.kind === 'session' && s.status === 'signed-in' && prev.status !== 'signed-in')
          accessNoticeActions.dismiss();
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [notice]);
  if (!notice) return null;
  const title =
    notice.kind === 'session'
      ? t('ended.session')
      : notice.workspace
        ? t('ended.workspace', { workspace: notice.workspace })
        : t('ended.workspace.unnamed');
  return (
    <div role="alert" className="card notice" data-testid="access-notice" data-reason={notice.reason}>
      <h2>{title}</h2>
      <p>
        {t(`ended.${notice.kind}.${notice.reason}` as MessageKey)}
        {notice.kind === 'session' && <> {t('ended.signInAgain')}</>}
      </p>
      <button type="button" className="secondary" onClick={accessNoticeActions.dismiss}>
        {t('ended.dismiss')}
      </button>
    </div>
  );
}

import type { InvitationView, MemberView } from '@tsudoi/protocol';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/http';
import { errorText } from '../i18n/errorText';
import type { MessageKey } from '../i18n/messages';
import { useT } from '../i18n/useT';
import { Avatar } from './common/Avatar';
import { draftAfterSubmit } from './submittedDraft';
import { FormError, useAction } from './useAction';

/** Members of a workspace; admins also invite, unlock and see invitations. */
export function Members({ workspaceId, isAdmin }: { workspaceId: string; isAdmin: boolean }) {
  const t = useT();
  const [members, setMembers] = useState<MemberView[]>([]);
  const [invitations, setInvitations] = useState<InvitationView[]>([]);
  const [email, setEmail] = useState('');
  const [notice, setNotice] = useState<string | undefined>();
  const { busy, error, run } = useAction();
  /** Why the lists could not be loaded (an empty list would look like nobody is here). */
  const [loadFailure, setLoadFailure] = useState<unknown>();
  const reload = useCallback(async () => {
    setMembers(
      (await api<{ members: MemberView[] }>('GET', `/api/workspaces/${workspaceId}/members`)).members,
    );
    if (isAdmin) {
      const r = await api<{ invitations: InvitationView[] }>(
        'GET',
        `/api/workspaces/${workspaceId}/invitations`,
      );
      setInvitations(r.invitations);
    }
    setLoadFailure(undefined);
  }, [workspaceId, isAdmin]);
  useEffect(() => {
    reload().catch((err: unknown) => setLoadFailure(err ?? new Error()));
  }, [reload]);
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">{t('ws.members')}</h2>
      <ul className="list" data-testid="members">
        {members.map((m) => (
          <li key={m.userId}>
            <Avatar userId={m.userId} name={m.displayName} size={24} workspaceId={workspaceId} decorative />{' '}
            {m.displayName} <span className="muted">{m.email}</span>{' '}
            <span className="badge">{t(`ws.role.${m.role}` as MessageKey)}</span>
            {m.locked && <span className="badge">{t('ws.locked')}</span>}
            {/* Only a member whom failed sign-ins locked out right now can be unlocked. */}
            {isAdmin && m.role !== 'owner' && m.locked && (
              <button
                type="button"
                className="link"
                aria-label={t('ws.unlockName', { name: m.displayName })}
                onClick={() =>
                  void run(async () => {
                    await api('POST', `/api/workspaces/${workspaceId}/members/${m.userId}/unlock`, {});
                    setNotice(t('ws.unlocked'));
                    await reload();
                  })
                }
              >
                {t('ws.unlock')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {isAdmin && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const sent = email;
            void run(async () => {
              await api('POST', `/api/workspaces/${workspaceId}/invitations`, {
                email: sent,
                role: 'member',
              });
              setNotice(t('ws.invited', { email: sent }));
              setEmail(
                (current) => draftAfterSubmit({ email: current }, { email: sent }, { email: '' }).email,
              );
              await reload();
            });
          }}
        >
          <label>
            {t('ws.inviteEmail')}
            <input
              type="email"
              name="inviteEmail"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </label>
          <button type="submit" disabled={busy}>
            {t('ws.invite')}
          </button>
        </form>
      )}
      <FormError message={loadFailure ? errorText(t, loadFailure) : error} />
      {notice && <p role="status">{notice}</p>}
      {isAdmin && invitations.length > 0 && (
        <>
          <h3>{t('ws.invitations')}</h3>
          <ul className="list">
            {invitations.map((i) => (
              <li key={i.id}>
                {i.email} <span className="badge">{t(`ws.status.${i.status}` as MessageKey)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

import type { MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { navigate } from '../../routing/router';
import { useSession } from '../../state/session';
import { NotificationSettings } from '../attention/NotificationSettings';
import { ProfileImageSettings } from './ImageSettings';
import type { SectionProps } from './sections';

/** Who I am in this workspace, and where to change my password. Notification choices join here. */
export function ProfileSettings({ ws }: SectionProps) {
  const t = useT();
  const session = useSession();
  if (session.status !== 'signed-in') return null;
  const { user } = session.info;
  return (
    <>
      <div className="card">
        <dl className="facts">
          <dt>{t('shell.profile.name')}</dt>
          <dd>{user.displayName}</dd>
          <dt>{t('shell.profile.email')}</dt>
          <dd>{user.email}</dd>
          <dt>{t('shell.profile.role')}</dt>
          <dd>{t(`ws.role.${ws.role}` as MessageKey)}</dd>
        </dl>
        <a
          href="/account"
          onClick={(e) => {
            e.preventDefault();
            navigate('/account');
          }}
        >
          {t('shell.profile.password')}
        </a>
      </div>
      <ProfileImageSettings ws={ws} />
      <NotificationSettings />
    </>
  );
}

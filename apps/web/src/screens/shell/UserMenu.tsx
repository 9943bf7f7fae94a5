import * as Menu from '@radix-ui/react-dropdown-menu';
import { Building2, KeyRound, Languages, LogOut, Settings, Smile } from 'lucide-react';
import { useId, useState } from 'react';
import { useT } from '../../i18n/useT';
import { navigate } from '../../routing/router';
import { useFloorStore } from '../../state/floorSlice';
import { sessionActions } from '../../state/session';
import { useAppStore } from '../../state/store';
import { Avatar } from '../common/Avatar';
import { StatusDialog } from './StatusDialog';

/** My face with my status; opens status, settings, language, account and sign-out. */
export function UserMenu({
  workspaceId,
  userId,
  name,
}: {
  workspaceId: string;
  userId: string;
  name: string;
}) {
  const t = useT();
  const lang = useAppStore((s) => s.lang);
  const setLang = useAppStore((s) => s.setLang);
  const status = useFloorStore((s) => (s.me ? s.members[s.me]?.status.state : undefined));
  const [statusOpen, setStatusOpen] = useState(false);
  const statusId = useId();
  return (
    <>
      {/* Not modal: a modal menu would inject a scroll-lock <style>, which the CSP forbids. */}
      <Menu.Root modal={false}>
        {/* Named by its content, not aria-label: axe (WCAG 2.5.3) wants a label to contain the visible text,
            and the initials and a parenthesised name never match. The face and the shown name are hidden
            from the name; my status is read as the trigger's description. */}
        <Menu.Trigger className="user-menu-trigger" aria-describedby={status ? statusId : undefined}>
          <span aria-hidden="true">
            <Avatar userId={userId} name={name} size={32} status={status} />
          </span>
          <span className="sr-only">{t('shell.userMenu', { name })}</span>
          <span className="user-menu-name" aria-hidden="true">
            {name}
          </span>
        </Menu.Trigger>
        {status && (
          <span id={statusId} hidden>
            {t(`floor.status.${status}`)}
          </span>
        )}
        <Menu.Portal>
          <Menu.Content className="menu" align="end" sideOffset={6} data-testid="user-menu">
            <Menu.Item className="menu-item" onSelect={() => setStatusOpen(true)}>
              <Smile aria-hidden="true" size={18} />
              {t('shell.menu.status')}
            </Menu.Item>
            <Menu.Item className="menu-item" onSelect={() => navigate(`/w/${workspaceId}/settings/profile`)}>
              <Settings aria-hidden="true" size={18} />
              {t('shell.menu.settings')}
            </Menu.Item>
            <Menu.Item className="menu-item" onSelect={() => setLang(lang === 'ja' ? 'en' : 'ja')}>
              <Languages aria-hidden="true" size={18} />
              <span lang={lang === 'ja' ? 'en' : 'ja'}>{t('lang.switch')}</span>
            </Menu.Item>
            <Menu.Separator className="menu-sep" />
            <Menu.Item className="menu-item" onSelect={() => navigate('/account')}>
              <KeyRound aria-hidden="true" size={18} />
              {t('nav.account')}
            </Menu.Item>
            <Menu.Item className="menu-item" onSelect={() => navigate('/')}>
              <Building2 aria-hidden="true" size={18} />
              {t('nav.workspaces')}
            </Menu.Item>
            <Menu.Item
              className="menu-item"
              onSelect={() => void sessionActions.signout().then(() => navigate('/'))}
            >
              <LogOut aria-hidden="true" size={18} />
              {t('nav.signout')}
            </Menu.Item>
          </Menu.Content>
        </Menu.Portal>
      </Menu.Root>
      {statusOpen && <StatusDialog onClose={() => setStatusOpen(false)} />}
    </>
  );
}

import type { WorkspaceSummary } from '@tsudoi/protocol';
import { ArrowLeft, ShieldAlert } from 'lucide-react';
import { useT } from '../../i18n/useT';
import { navigate } from '../../routing/router';
import { SETTINGS_SECTIONS } from './sections';
import { settingsAccess, visibleSections } from './settingsAccess';
import './settings.css';

/** `/w/:id/settings/:section`: a navigation of the sections this role may open, and the chosen one. */
export function SettingsPage({
  ws,
  section,
  inRoom,
}: {
  ws: WorkspaceSummary;
  section: string;
  inRoom: boolean;
}) {
  const t = useT();
  const access = settingsAccess(SETTINGS_SECTIONS, section, ws.role);
  const current = SETTINGS_SECTIONS.find((s) => s.id === section);
  const go = (to: string) => (e: React.MouseEvent) => {
    e.preventDefault();
    navigate(to);
  };
  return (
    <div className="settings" data-testid="settings">
      <nav className="settings-nav" aria-label={t('shell.settings.nav')}>
        <a className="back-link" href={`/w/${ws.id}`} onClick={go(`/w/${ws.id}`)}>
          <ArrowLeft aria-hidden="true" size={16} />
          {inRoom ? t('shell.settings.backToRoom') : t('shell.settings.back')}
        </a>
        <h2 id="settings-title">{t('shell.settings')}</h2>
        <ul>
          {visibleSections(SETTINGS_SECTIONS, ws.role).map((s) => (
            <li key={s.id}>
              <a
                href={`/w/${ws.id}/settings/${s.id}`}
                aria-current={s.id === section ? 'page' : undefined}
                onClick={go(`/w/${ws.id}/settings/${s.id}`)}
              >
                {t(s.label)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="settings-body">
        {access === 'show' && current && (
          <section aria-labelledby="settings-section-title" data-testid={`settings-${current.id}`}>
            <h2 id="settings-section-title" className="settings-heading">
              {t(current.label)}
            </h2>
            <current.Component ws={ws} />
          </section>
        )}
        {access === 'adminOnly' && (
          <section className="card admin-only" role="alert" data-testid="settings-admin-only">
            <h2>
              <ShieldAlert aria-hidden="true" size={20} /> {t('shell.settings.adminOnly.title')}
            </h2>
            <p>{t('shell.settings.adminOnly.body')}</p>
          </section>
        )}
        {access === 'unknown' && (
          <p role="alert" data-testid="settings-unknown">
            {t('shell.settings.unknown')}
          </p>
        )}
      </div>
    </div>
  );
}

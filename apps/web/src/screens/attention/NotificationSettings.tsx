import { Volume2 } from 'lucide-react';
import { ATTENTION_KINDS } from '../../attention/attentionPolicy';
import { attentionSettingsActions, useAttentionSettings } from '../../attention/attentionSettings';
import type { MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { playSound } from './sounds';
import './attention.css';

/** Per kind: desktop notification and sound on or off (remembered in this browser); the permission state. */
export function NotificationSettings() {
  const t = useT();
  const { settings, permission } = useAttentionSettings();
  return (
    <section
      className="attention-settings"
      aria-labelledby="attention-settings-title"
      data-testid="attention-settings"
    >
      <h2 id="attention-settings-title">{t('attention.settings.title')}</h2>
      <p className="muted">{t('attention.settings.help')}</p>
      <p role="status" data-testid="notify-permission" data-permission={permission}>
        {t(`attention.permission.${permission}` as MessageKey)}
      </p>
      {permission === 'default' && (
        <button type="button" onClick={() => void attentionSettingsActions.requestPermission()}>
          {t('attention.settings.enable')}
        </button>
      )}
      <table className="attention-table">
        <thead>
          <tr>
            <th scope="col">{t('attention.settings.kind')}</th>
            <th scope="col">{t('attention.settings.notify')}</th>
            <th scope="col">{t('attention.settings.sound')}</th>
            <th scope="col">
              <span className="attention-vh">{t('attention.settings.preview')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {ATTENTION_KINDS.map((kind) => {
            const label = t(`attention.kind.${kind}` as MessageKey);
            return (
              <tr key={kind} data-kind={kind}>
                <th scope="row">{label}</th>
                <td>
                  <input
                    type="checkbox"
                    aria-label={t('attention.settings.notifyFor', { kind: label })}
                    checked={settings[kind].notify}
                    onChange={(e) => attentionSettingsActions.set(kind, { notify: e.target.checked })}
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={t('attention.settings.soundFor', { kind: label })}
                    checked={settings[kind].sound}
                    onChange={(e) => attentionSettingsActions.set(kind, { sound: e.target.checked })}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="attention-try secondary"
                    aria-label={t('attention.settings.try', { kind: label })}
                    onClick={() => playSound(kind)}
                  >
                    <Volume2 aria-hidden="true" size={18} />
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

import { BellRing } from 'lucide-react';
import { attentionSettingsActions, useAttentionSettings } from '../../attention/attentionSettings';
import { useT } from '../../i18n/useT';
import './attention.css';

/**
 * Offers desktop notifications at a sensible moment: never on first load, only once the person has
 * dropped into a room or received something worth a notification, and only while the browser has not
 * been asked yet. "Not now" is remembered; the settings page still offers it.
 */
export function AttentionPrompt() {
  const t = useT();
  const show = useAttentionSettings((s) => s.permission === 'default' && !s.promptDismissed && s.engaged);
  if (!show) return null;
  return (
    <section
      className="attention-prompt"
      aria-label={t('attention.prompt.label')}
      data-testid="attention-prompt"
    >
      <BellRing aria-hidden="true" size={20} />
      <p>{t('attention.prompt.text')}</p>
      <div className="attention-prompt-actions">
        <button type="button" onClick={() => void attentionSettingsActions.requestPermission()}>
          {t('attention.prompt.enable')}
        </button>
        <button type="button" className="secondary" onClick={attentionSettingsActions.dismissPrompt}>
          {t('attention.prompt.later')}
        </button>
      </div>
    </section>
  );
}

import type { PasswordRules, WorkspaceDetail } from '@tsudoi/protocol';
import { useEffect, useState } from 'react';
import { api } from '../api/http';
import { errorText } from '../i18n/errorText';
import type { MessageKey } from '../i18n/messages';
import { useT } from '../i18n/useT';
import { sessionActions } from '../state/session';
import { FormError, useAction } from './useAction';

const FLAGS = ['requireUpper', 'requireLower', 'requireDigit', 'requireSymbol'] as const;
const NUMBERS = [
  ['minLength', 8, 64],
  ['historyCount', 0, 24],
  ['lockoutThreshold', 3, 20],
  ['lockoutMinutes', 1, 1440],
] as const;

/**
 * Admins set the workspace's password rules and MFA requirement (R10, R13); the server enforces the plan.
 * Shown on `/w/:id/settings/security`; the plan itself is on the plan section.
 */
export function SecuritySettings({ workspaceId }: { workspaceId: string }) {
  const t = useT();
  const [detail, setDetail] = useState<WorkspaceDetail | undefined>();
  const [rules, setRules] = useState<PasswordRules | undefined>();
  const [mfa, setMfa] = useState(false);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const [loadFailure, setLoadFailure] = useState<unknown>();
  useEffect(() => {
    api<WorkspaceDetail>('GET', `/api/workspaces/${workspaceId}`)
      .then((d) => {
        setDetail(d);
        setRules(d.security.password);
        setMfa(d.security.mfaRequired);
      })
      .catch((err: unknown) => setLoadFailure(err ?? new Error()));
  }, [workspaceId]);
  if (!detail || !rules)
    return loadFailure ? (
      <div className="card">
        <h3>{t('settings.title')}</h3>
        <FormError message={errorText(t, loadFailure)} />
      </div>
    ) : null;
  const mfaAllowed = detail.features.requireMfaForAll;
  return (
    <div className="card">
      <h3>{t('settings.title')}</h3>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          void run(async () => {
            await api('PATCH', `/api/workspaces/${workspaceId}`, {
              passwordRules: rules,
              mfaRequired: mfaAllowed && mfa,
            });
            setSaved(true);
            await sessionActions.load();
          });
        }}
      >
        {NUMBERS.map(([key, min, max]) => (
          <label key={key}>
            {t(`settings.${key}` as MessageKey)}
            <input
              type="number"
              min={min}
              max={max}
              required
              value={rules[key]}
              onChange={(e) => setRules({ ...rules, [key]: Number(e.target.value) })}
            />
          </label>
        ))}
        <label>
          {t('settings.expiryDays')}
          <input
            type="number"
            min={1}
            max={3650}
            value={rules.expiryDays ?? ''}
            onChange={(e) =>
              setRules({ ...rules, expiryDays: e.target.value ? Number(e.target.value) : null })
            }
          />
        </label>
        {FLAGS.map((key) => (
          <label key={key} className="check">
            <input
              type="checkbox"
              checked={rules[key]}
              onChange={(e) => setRules({ ...rules, [key]: e.target.checked })}
            />
            {t(`settings.${key}` as MessageKey)}
          </label>
        ))}
        <label className="inline">
          <input
            type="checkbox"
            checked={mfaAllowed && mfa}
            disabled={!mfaAllowed}
            onChange={(e) => setMfa(e.target.checked)}
          />
          {t('settings.mfaRequired')}
          {!mfaAllowed && <span className="hint">{t('settings.mfaEnterpriseOnly')}</span>}
        </label>
        <FormError message={error} />
        {saved && <p role="status">{t('settings.saved')}</p>}
        <button type="submit" disabled={busy}>
          {t('settings.save')}
        </button>
      </form>
    </div>
  );
}

import type { SsoConfigView, WorkspaceDetail } from '@tsudoi/protocol';
import { useEffect, useId, useState } from 'react';
import { api } from '../../api/http';
import { errorText } from '../../i18n/errorText';
import { useT } from '../../i18n/useT';
import { useSession } from '../../state/session';
import { FormError } from '../useAction';
import type { SectionProps } from './sections';

/**
 * SAML single sign-on (Enterprise, R11) on `/w/:id/settings/sso`: Tsudoi's SP side to give the IdP, the
 * IdP imported from its pasted metadata, and "SSO required" with the owner as break-glass. The server
 * parses the metadata (no DTDs) and enforces everything.
 */
export function SsoSettings({ ws }: SectionProps) {
  const t = useT();
  const ids = { metadata: useId(), hint: useId(), required: useId(), breakGlass: useId() };
  const session = useSession();
  const myId = session.status === 'signed-in' ? session.info.user.id : null;
  const [enterprise, setEnterprise] = useState<boolean | undefined>();
  const [view, setView] = useState<SsoConfigView | undefined>();
  const [metadataXml, setMetadataXml] = useState('');
  const [required, setRequired] = useState(false);
  const [breakGlass, setBreakGlass] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);

  const show = (v: SsoConfigView) => {
    setView(v);
    setRequired(v.required);
    setBreakGlass(v.breakGlassUserId !== null && v.breakGlassUserId === myId);
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: `t` is a new function every render; load once per workspace.
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const detail = await api<WorkspaceDetail>('GET', `/api/workspaces/${ws.id}`);
        if (!live) return;
        setEnterprise(detail.features.saml);
        if (!detail.features.saml) return;
        const current = await api<SsoConfigView>('GET', `/api/workspaces/${ws.id}/sso`);
        if (live) show(current);
      } catch (err) {
        if (live) setError(errorText(t, err));
      }
    })();
    return () => {
      live = false;
    };
  }, [ws.id]);

  const save = async () => {
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      const next = await api<SsoConfigView>('PUT', `/api/workspaces/${ws.id}/sso`, {
        ...(metadataXml.trim() ? { metadataXml } : {}),
        required,
        breakGlassUserId: breakGlass && ws.role === 'owner' ? myId : null,
      });
      show(next);
      setMetadataXml('');
      setSaved(true);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  if (enterprise === undefined) return <FormError message={error} />;
  if (!enterprise)
    return (
      <div className="card" data-testid="settings-sso">
        <h3>{t('sso.title')}</h3>
        <p>{t('sso.intro')}</p>
        <p className="hint" data-testid="sso-enterprise-only">
          {t('sso.enterpriseOnly')}
        </p>
      </div>
    );
  return (
    <div className="card" data-testid="settings-sso">
      <h3>{t('sso.title')}</h3>
      <p>{t('sso.intro')}</p>
      {view && (
        <>
          <h4>{t('sso.sp.title')}</h4>
          <dl data-testid="sso-sp">
            <dt>{t('sso.sp.entityId')}</dt>
            <dd>
              <code>{view.sp.entityId}</code>
            </dd>
            <dt>{t('sso.sp.acsUrl')}</dt>
            <dd>
              <code>{view.sp.acsUrl}</code>
            </dd>
            <dt>{t('sso.sp.nameIdFormat')}</dt>
            <dd>
              <code>{view.sp.nameIdFormat}</code>
            </dd>
            <dt>{t('sso.sp.metadata')}</dt>
            <dd>
              <a href={view.sp.metadataUrl} target="_blank" rel="noreferrer">
                {view.sp.metadataUrl}
              </a>
            </dd>
          </dl>
          <h4>{t('sso.idp.title')}</h4>
          {view.configured ? (
            <ul data-testid="sso-idp">
              <li>{t('sso.idp.entityId', { id: view.idpEntityId ?? '' })}</li>
              <li>{t('sso.idp.ssoUrl', { url: view.ssoUrl ?? '' })}</li>
              {view.certificates.map((c) => (
                <li key={c.fingerprint}>
                  {t('sso.idp.certificate', { fingerprint: c.fingerprint, notAfter: c.notAfter ?? '—' })}
                </li>
              ))}
            </ul>
          ) : (
            <p data-testid="sso-idp">{t('sso.idp.none')}</p>
          )}
        </>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label htmlFor={ids.metadata}>{t('sso.metadata')}</label>
        <textarea
          id={ids.metadata}
          rows={8}
          spellCheck={false}
          autoCapitalize="off"
          aria-describedby={ids.hint}
          value={metadataXml}
          onChange={(e) => setMetadataXml(e.target.value)}
        />
        <p id={ids.hint} className="hint">
          {t('sso.metadata.hint')}
        </p>
        <p>
          <input
            id={ids.required}
            type="checkbox"
            checked={required}
            onChange={(e) => setRequired(e.target.checked)}
          />{' '}
          <label htmlFor={ids.required}>{t('sso.required')}</label>
        </p>
        {ws.role === 'owner' && (
          <p>
            <input
              id={ids.breakGlass}
              type="checkbox"
              checked={breakGlass}
              onChange={(e) => setBreakGlass(e.target.checked)}
            />{' '}
            <label htmlFor={ids.breakGlass}>{t('sso.breakGlass')}</label>
          </p>
        )}
        <FormError message={error} />
        {saved && <p role="status">{t('sso.saved')}</p>}
        <button type="submit" disabled={busy}>
          {t('sso.save')}
        </button>
      </form>
    </div>
  );
}

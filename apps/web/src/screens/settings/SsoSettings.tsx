import type { SsoConfigView, WorkspaceDetail } from '@tsudoi/protocol';
import { useEffect, useId, useState } from 'react';
import { ApiError, api } from '../../api/http';
import { errorText } from '../../i18n/errorText';
import { useT } from '../../i18n/useT';
import { useSession } from '../../state/session';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { FormError } from '../useAction';
import type { SectionProps } from './sections';

/**
 * SAML single sign-on (Enterprise, R11) on `/w/:id/settings/sso`: Tsudoi's SP side to give the IdP, the
 * IdP imported from its pasted metadata, the email domains whose people "Sign in with your company" lands
 * here, and "SSO required" with the owner as break-glass (without one, a confirmation: SSO_NO_BREAK_GLASS).
 * The server parses the metadata (no DTDs), checks each domain and enforces everything.
 */
export function SsoSettings({ ws }: SectionProps) {
  const t = useT();
  const ids = {
    metadata: useId(),
    file: useId(),
    hint: useId(),
    domains: useId(),
    domainsHint: useId(),
    required: useId(),
    emailCode: useId(),
    breakGlass: useId(),
  };
  const session = useSession();
  const myId = session.status === 'signed-in' ? session.info.user.id : null;
  const [enterprise, setEnterprise] = useState<boolean | undefined>();
  const [view, setView] = useState<SsoConfigView | undefined>();
  const [metadataXml, setMetadataXml] = useState('');
  const [required, setRequired] = useState(false);
  const [emailCode, setEmailCode] = useState(false);
  const [breakGlass, setBreakGlass] = useState(false);
  const [domains, setDomains] = useState('');
  const [badDomains, setBadDomains] = useState<Array<{ entry: string; problem: string }>>([]);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);

  const show = (v: SsoConfigView) => {
    setView(v);
    setRequired(v.required);
    setEmailCode(v.emailCodeAfterIdp);
    setBreakGlass(v.breakGlassUserId !== null && v.breakGlassUserId === myId);
    setDomains(v.domains.join('\n'));
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

  const save = async (confirmNoBreakGlass: boolean) => {
    const entries = domains
      .split('\n')
      .map((d) => d.trim())
      .filter(Boolean);
    setBusy(true);
    setError(undefined);
    setBadDomains([]);
    setSaved(false);
    try {
      const next = await api<SsoConfigView>('PUT', `/api/workspaces/${ws.id}/sso`, {
        ...(metadataXml.trim() ? { metadataXml } : {}),
        required,
        emailCodeAfterIdp: emailCode,
        breakGlassUserId: breakGlass && ws.role === 'owner' ? myId : null,
        domains: entries,
        confirmNoBreakGlass,
      });
      setConfirming(false);
      show(next);
      setMetadataXml('');
      setSaved(true);
    } catch (err) {
      if (err instanceof ApiError && err.body.code === 'SSO_NO_BREAK_GLASS') {
        setConfirming(true);
        return;
      }
      setConfirming(false);
      const fields = err instanceof ApiError ? (err.body.fields ?? {}) : {};
      const bad = Object.entries(fields)
        .filter(([k]) => k.startsWith('domains.'))
        .map(([k, problem]) => ({ entry: entries[Number(k.slice(8))] ?? '', problem }));
      if (err instanceof ApiError && err.body.code === 'VALIDATION_FAILED' && bad.length > 0)
        setBadDomains(bad);
      else if (err instanceof ApiError && err.body.code === 'SSO_DOMAIN_TAKEN')
        setError(t('sso.domains.taken', { domain: fields.domains ?? '' }));
      else setError(errorText(t, err));
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
            <dt>{t('sso.sp.certificate')}</dt>
            <dd>
              <details>
                <summary>
                  {t('sso.idp.certificate', {
                    fingerprint: view.sp.signingCertificate.fingerprint,
                    notAfter: view.sp.signingCertificate.notAfter ?? '—',
                  })}
                </summary>
                <pre className="pem">{view.sp.signingCertificate.pem}</pre>
              </details>
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
          void save(false);
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
          <label htmlFor={ids.file}>{t('sso.metadata.file')}</label>{' '}
          <input
            id={ids.file}
            type="file"
            accept=".xml,application/xml,text/xml,application/samlmetadata+xml"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              if (file.size > 200_000) return setError(t('sso.metadata.tooLarge'));
              void file.text().then(setMetadataXml);
            }}
          />
        </p>
        <label htmlFor={ids.domains}>{t('sso.domains')}</label>
        <textarea
          id={ids.domains}
          rows={3}
          spellCheck={false}
          autoCapitalize="off"
          aria-describedby={ids.domainsHint}
          aria-invalid={badDomains.length > 0 || undefined}
          value={domains}
          onChange={(e) => setDomains(e.target.value)}
          data-testid="sso-domains"
        />
        <p id={ids.domainsHint} className="hint">
          {t('sso.domains.hint')}
        </p>
        {badDomains.length > 0 && (
          <div role="alert" className="error" data-testid="sso-bad-domains">
            <ul>
              {badDomains.map((b) => (
                <li key={b.entry}>
                  {t(
                    `sso.domains.${b.problem === 'publicMail' || b.problem === 'notVerified' || b.problem === 'tooMany' ? b.problem : 'invalid'}`,
                    {
                      domain: b.entry,
                    },
                  )}
                </li>
              ))}
            </ul>
          </div>
        )}
        <p>
          <input
            id={ids.required}
            type="checkbox"
            checked={required}
            onChange={(e) => setRequired(e.target.checked)}
          />{' '}
          <label htmlFor={ids.required}>{t('sso.required')}</label>
        </p>
        <p>
          <input
            id={ids.emailCode}
            type="checkbox"
            checked={emailCode}
            onChange={(e) => setEmailCode(e.target.checked)}
          />{' '}
          <label htmlFor={ids.emailCode}>{t('sso.emailCode')}</label>
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
      <ConfirmDialog
        open={confirming}
        title={t('sso.confirm.title')}
        body={t('sso.confirm.body')}
        cancelLabel={t('sso.confirm.cancel')}
        confirmLabel={t('sso.confirm.save')}
        busy={busy}
        onCancel={() => setConfirming(false)}
        onConfirm={() => void save(true)}
        testId="sso-confirm"
      />
    </div>
  );
}

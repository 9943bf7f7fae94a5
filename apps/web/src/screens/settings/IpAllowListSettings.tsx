import type { IpAllowListView, WorkspaceDetail } from '@tsudoi/protocol';
import { useEffect, useId, useState } from 'react';
import { ApiError, api } from '../../api/http';
import { errorText } from '../../i18n/errorText';
import { useT } from '../../i18n/useT';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { FormError } from '../useAction';
import type { SectionProps } from './sections';

/** One line of the text box per range; blank lines are ignored. `index` is the line number − 1. */
const linesOf = (text: string) =>
  text
    .split('\n')
    .map((entry, index) => ({ entry: entry.trim(), index }))
    .filter((l) => l.entry !== '');

/**
 * The IP allow-list (Enterprise, R12) on `/w/:id/settings/network`. The server decides and enforces:
 * it normalises the ranges, refuses unusable lines (shown by line number) and, when the list would leave
 * out the admin's own address, asks for a confirmation (IP_SELF_EXCLUDED) before saving.
 */
export function IpAllowListSettings({ ws }: SectionProps) {
  const t = useT();
  const ids = { ranges: useId(), hint: useId() };
  const [enterprise, setEnterprise] = useState<boolean | undefined>();
  const [view, setView] = useState<IpAllowListView | undefined>();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [badLines, setBadLines] = useState<Array<{ line: number; entry: string }>>([]);
  const [saved, setSaved] = useState<string | undefined>();
  const [confirming, setConfirming] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `t` is a new function every render; load once per workspace.
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const detail = await api<WorkspaceDetail>('GET', `/api/workspaces/${ws.id}`);
        if (!live) return;
        setEnterprise(detail.features.ipAllowList);
        if (!detail.features.ipAllowList) return;
        const current = await api<IpAllowListView>('GET', `/api/workspaces/${ws.id}/ip-allow-list`);
        if (!live) return;
        setView(current);
        setText(current.ranges.join('\n'));
      } catch (err) {
        if (live) setError(errorText(t, err));
      }
    })();
    return () => {
      live = false;
    };
  }, [ws.id]);

  const save = async (confirmSelfExclusion: boolean) => {
    const lines = linesOf(text);
    setBusy(true);
    setError(undefined);
    setBadLines([]);
    setSaved(undefined);
    try {
      const next = await api<IpAllowListView>('PUT', `/api/workspaces/${ws.id}/ip-allow-list`, {
        ranges: lines.map((l) => l.entry),
        confirmSelfExclusion,
      });
      setConfirming(false);
      setView(next);
      setText(next.ranges.join('\n'));
      setSaved(
        next.ranges.length === 0
          ? t('network.saved.none')
          : t('network.saved.some', { n: next.ranges.length }),
      );
    } catch (err) {
      setConfirming(false);
      if (err instanceof ApiError && err.body.code === 'IP_SELF_EXCLUDED') {
        setConfirming(true);
      } else if (err instanceof ApiError && err.body.code === 'VALIDATION_FAILED') {
        // fields: `ranges.<i>` for the i-th non-blank line sent.
        const bad = Object.keys(err.body.fields ?? {})
          .map((k) => lines[Number(k.split('.')[1])])
          .filter((l) => l !== undefined)
          .map((l) => ({ line: l.index + 1, entry: l.entry }));
        setBadLines(bad);
        if (bad.length === 0) setError(errorText(t, err));
      } else {
        setError(errorText(t, err));
      }
    } finally {
      setBusy(false);
    }
  };

  if (enterprise === undefined) return <FormError message={error} />;
  if (!enterprise)
    return (
      <div className="card">
        <h3>{t('network.title')}</h3>
        <p>{t('network.intro')}</p>
        <p className="hint" data-testid="network-enterprise-only">
          {t('network.enterpriseOnly')}
        </p>
      </div>
    );
  return (
    <div className="card">
      <h3>{t('network.title')}</h3>
      <p>{t('network.intro')}</p>
      {view && (
        <p data-testid="network-your-ip">
          {view.yourIp ? t('network.yourIp', { ip: view.yourIp }) : t('network.yourIp.unknown')}{' '}
          <span className={view.youAreAllowed ? 'badge ok' : 'badge'}>
            {view.youAreAllowed ? t('network.yourIp.inside') : t('network.yourIp.outside')}
          </span>
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save(false);
        }}
      >
        <label htmlFor={ids.ranges}>{t('network.ranges')}</label>
        <textarea
          id={ids.ranges}
          rows={8}
          spellCheck={false}
          autoCapitalize="off"
          aria-describedby={ids.hint}
          aria-invalid={badLines.length > 0}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <p id={ids.hint} className="hint">
          {t('network.ranges.hint')}
        </p>
        {badLines.length > 0 && (
          <div role="alert" className="error" data-testid="network-bad-lines">
            <p>{t('network.badLines')}</p>
            <ul>
              {badLines.map((l) => (
                <li key={l.line}>{t('network.line', { n: l.line, entry: l.entry })}</li>
              ))}
            </ul>
          </div>
        )}
        <FormError message={error} />
        {saved && <p role="status">{saved}</p>}
        <button type="submit" disabled={busy}>
          {t('network.save')}
        </button>
      </form>
      <ConfirmDialog
        open={confirming}
        title={t('network.confirm.title')}
        body={t('network.confirm.body', { ip: view?.yourIp ?? '?' })}
        cancelLabel={t('network.confirm.cancel')}
        confirmLabel={t('network.confirm.save')}
        busy={busy}
        onCancel={() => setConfirming(false)}
        onConfirm={() => void save(true)}
        testId="network-confirm"
      />
    </div>
  );
}

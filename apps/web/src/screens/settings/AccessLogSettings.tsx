import type { AccessLogEntry, AccessLogPage, MemberView, WorkspaceDetail } from '@tsudoi/protocol';
import { useEffect, useId, useRef, useState } from 'react';
import { ApiError, api } from '../../api/http';
import { NAMED_EVENT_TYPES } from '../../i18n/accessLogEvents';
import { errorText } from '../../i18n/errorText';
import { MESSAGES, type MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { useAppStore } from '../../state/store';
import { FormError } from '../useAction';
import type { SectionProps } from './sections';
import './accessLog.css';

interface Filter {
  user: string;
  type: string;
  from: string;
  to: string;
}

/** The filter as query parameters; dates are the viewer's local days, sent as UTC instants (`to` exclusive). */
function query(f: Filter): URLSearchParams {
  const q = new URLSearchParams();
  if (f.user) q.set('user', f.user);
  if (f.type) q.set('type', f.type);
  if (f.from) q.set('from', new Date(`${f.from}T00:00:00`).toISOString());
  if (f.to) {
    const end = new Date(`${f.to}T00:00:00`);
    end.setDate(end.getDate() + 1);
    q.set('to', end.toISOString());
  }
  return q;
}

/**
 * The access log (Enterprise, R14) on `/w/:id/settings/access-log`: filters, a table newest first with
 * keyset "Load more", times in the viewer's zone, and a CSV download whose progress counts the bytes
 * received so far (the server streams it).
 */
export function AccessLogSettings({ ws }: SectionProps) {
  const t = useT();
  const lang = useAppStore((s) => s.lang);
  const ids = { user: useId(), type: useId(), from: useId(), to: useId(), status: useId() };
  const [enterprise, setEnterprise] = useState<boolean | undefined>();
  const [members, setMembers] = useState<MemberView[]>([]);
  const [draft, setDraft] = useState<Filter>({ user: '', type: '', from: '', to: '' });
  const [filter, setFilter] = useState<Filter>(draft);
  const [entries, setEntries] = useState<AccessLogEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [download, setDownload] = useState<{ kb: number; done: boolean } | undefined>();
  const tableRef = useRef<HTMLTableElement>(null);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const time = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium' });

  const load = async (f: Filter, after: string | null) => {
    setLoading(true);
    setError(undefined);
    try {
      const q = query(f);
      if (after) q.set('after', after);
      const page = await api<AccessLogPage>('GET', `/api/workspaces/${ws.id}/access-log?${q}`);
      setEntries((old) => (after ? [...old, ...page.entries] : page.entries));
      setNext(page.next);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setLoading(false);
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: `t`/`load` are new every render; load once per workspace.
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const detail = await api<WorkspaceDetail>('GET', `/api/workspaces/${ws.id}`);
        if (!live) return;
        setEnterprise(detail.features.accessLogs);
        if (!detail.features.accessLogs) return;
        const m = await api<{ members: MemberView[] }>('GET', `/api/workspaces/${ws.id}/members`);
        if (live) setMembers(m.members);
        await load(filter, null);
      } catch (err) {
        if (live) setError(errorText(t, err));
      }
    })();
    return () => {
      live = false;
    };
  }, [ws.id]);

  const downloadCsv = async () => {
    setDownload({ kb: 0, done: false });
    setError(undefined);
    try {
      const res = await fetch(`/api/workspaces/${ws.id}/access-log.csv?${query(filter)}`, {
        credentials: 'same-origin',
      });
      if (!res.ok || !res.body) {
        const body: unknown = await res.json().catch(() => undefined);
        throw new ApiError(
          body && typeof body === 'object' && 'code' in body
            ? (body as ApiError['body'])
            : { code: 'INTERNAL', message: `HTTP ${res.status}` },
        );
      }
      const reader = res.body.getReader();
      const parts: Uint8Array[] = [];
      let received = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        received += value.length;
        setDownload({ kb: Math.round(received / 1024), done: false });
      }
      const url = URL.createObjectURL(new Blob(parts as BlobPart[], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download =
        /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'access-log.csv';
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setDownload({ kb: Math.round(received / 1024), done: true });
    } catch (err) {
      setDownload(undefined);
      setError(errorText(t, err));
    }
  };

  if (enterprise === undefined) return <FormError message={error} />;
  if (!enterprise)
    return (
      <div className="card" data-testid="settings-access-log">
        <h3>{t('accessLog.title')}</h3>
        <p>{t('accessLog.intro')}</p>
        <p className="hint" data-testid="access-log-enterprise-only">
          {t('accessLog.enterpriseOnly')}
        </p>
      </div>
    );
  return (
    <div className="card" data-testid="settings-access-log">
      <h3>{t('accessLog.title')}</h3>
      <p>{t('accessLog.intro')}</p>
      <form
        className="row access-log-filters"
        aria-label={t('accessLog.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(draft);
          void load(draft, null).then(() => tableRef.current?.focus());
        }}
      >
        <label htmlFor={ids.user}>{t('accessLog.user')}</label>
        <select
          id={ids.user}
          value={draft.user}
          onChange={(e) => setDraft({ ...draft, user: e.target.value })}
        >
          <option value="">{t('accessLog.user.all')}</option>
          {members.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.displayName} ({m.email})
            </option>
          ))}
        </select>
        <label htmlFor={ids.type}>{t('accessLog.type')}</label>
        <select
          id={ids.type}
          value={draft.type}
          onChange={(e) => setDraft({ ...draft, type: e.target.value })}
        >
          <option value="">{t('accessLog.type.all')}</option>
          {NAMED_EVENT_TYPES.map((type) => (
            <option key={type} value={type}>
              {eventName(t, type)}
            </option>
          ))}
        </select>
        <label htmlFor={ids.from}>{t('accessLog.from')}</label>
        <input
          id={ids.from}
          type="date"
          value={draft.from}
          onChange={(e) => setDraft({ ...draft, from: e.target.value })}
        />
        <label htmlFor={ids.to}>{t('accessLog.to')}</label>
        <input
          id={ids.to}
          type="date"
          value={draft.to}
          onChange={(e) => setDraft({ ...draft, to: e.target.value })}
        />
        <button type="submit" disabled={loading}>
          {t('accessLog.apply')}
        </button>
      </form>
      <p className="hint">{t('accessLog.zone', { zone })}</p>
      <div className="row">
        <button
          type="button"
          className="secondary"
          data-testid="access-log-download"
          disabled={download !== undefined && !download.done}
          aria-describedby={ids.status}
          onClick={() => void downloadCsv()}
        >
          {t('accessLog.download')}
        </button>
        <span className="hint">{t('accessLog.download.hint')}</span>
      </div>
      <p id={ids.status} role="status" data-testid="access-log-download-status">
        {download &&
          (download.done
            ? t('accessLog.download.done', { kb: download.kb })
            : t('accessLog.download.progress', { kb: download.kb }))}
      </p>
      <FormError message={error} />
      <table ref={tableRef} tabIndex={-1} className="access-log-table" data-testid="access-log-table">
        <caption className="sr-only">{t('accessLog.count', { n: entries.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('accessLog.col.time')}</th>
            <th scope="col">{t('accessLog.col.type')}</th>
            <th scope="col">{t('accessLog.col.outcome')}</th>
            <th scope="col">{t('accessLog.col.user')}</th>
            <th scope="col">{t('accessLog.col.ip')}</th>
            <th scope="col">{t('accessLog.col.agent')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>
                <time dateTime={e.at}>{time.format(new Date(e.at))}</time>
              </td>
              <td>
                {eventName(t, e.type)} <code className="access-log-code">{e.type}</code>
              </td>
              <td>
                <span className={e.outcome === 'success' ? 'badge ok' : 'badge'}>
                  {t(e.outcome === 'success' ? 'accessLog.outcome.success' : 'accessLog.outcome.failure')}
                </span>
              </td>
              <td>{e.userEmail ?? e.userId ?? t('accessLog.anonymous')}</td>
              <td>{e.ip ?? ''}</td>
              <td className="access-log-agent">{e.userAgent ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && entries.length === 0 && <p>{t('accessLog.none')}</p>}
      {loading && <p role="status">{t('accessLog.loading')}</p>}
      {next && !loading && (
        <button
          type="button"
          className="secondary"
          data-testid="access-log-more"
          onClick={() => void load(filter, next)}
        >
          {t('accessLog.more')}
        </button>
      )}
    </div>
  );
}

/** The event type's name in the viewer's language; a type without one shows as its code. */
function eventName(t: (key: MessageKey) => string, type: string): string {
  const key = `accessLog.event.${type}`;
  return key in MESSAGES.en ? t(key as MessageKey) : type;
}

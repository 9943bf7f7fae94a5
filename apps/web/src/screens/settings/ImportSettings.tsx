import type { ImportPreview, ImportResult, ImportRowResult, WorkspaceDetail } from '@tsudoi/protocol';
import { useEffect, useId, useState } from 'react';
import { postCsv } from '../../api/csvUpload';
import { ApiError, api } from '../../api/http';
import { errorText } from '../../i18n/errorText';
import { MESSAGES, type MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { FormError } from '../useAction';
import type { SectionProps } from './sections';
import './importSettings.css';

type Step =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'preview'; file: File; preview: ImportPreview }
  | { kind: 'applying'; file: File; preview: ImportPreview; progress: number }
  | { kind: 'done'; result: ImportResult };

/**
 * CSV user import (Enterprise, R15) on `/w/:id/settings/import`. The server decides everything: the
 * preview checks every row without writing; "Import N people" applies the same file as one unit (all
 * invitations or none) and the answer carries the per-row report, offered as a CSV download.
 */
export function ImportSettings({ ws }: SectionProps) {
  const t = useT();
  const ids = { file: useId(), hint: useId() };
  const [enterprise, setEnterprise] = useState<boolean | undefined>();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [error, setError] = useState<string | undefined>();
  const [dragging, setDragging] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `t` is a new function every render; load once per workspace.
  useEffect(() => {
    let live = true;
    api<WorkspaceDetail>('GET', `/api/workspaces/${ws.id}`)
      .then((d) => live && setEnterprise(d.features.csvImport))
      .catch((err) => live && setError(errorText(t, err)));
    return () => {
      live = false;
    };
  }, [ws.id]);

  const fail = (err: unknown) => {
    const reason = err instanceof ApiError ? err.body.fields?.file : undefined;
    const key = `import.file.${reason}` as MessageKey;
    setError(reason && key in MESSAGES.en ? t(key) : errorText(t, err, { CONFLICT: 'import.err.conflict' }));
  };

  const choose = async (file: File | undefined) => {
    if (!file) return;
    setError(undefined);
    setStep({ kind: 'checking' });
    try {
      const preview = await postCsv<ImportPreview>(`/api/workspaces/${ws.id}/imports/preview`, file);
      setStep({ kind: 'preview', file, preview });
    } catch (err) {
      setStep({ kind: 'idle' });
      fail(err);
    }
  };

  const apply = async (file: File, preview: ImportPreview) => {
    setError(undefined);
    setStep({ kind: 'applying', file, preview, progress: 0 });
    try {
      const result = await postCsv<ImportResult>(`/api/workspaces/${ws.id}/imports`, file, (progress) =>
        setStep({ kind: 'applying', file, preview, progress }),
      );
      setStep({ kind: 'done', result });
    } catch (err) {
      setStep({ kind: 'preview', file, preview });
      fail(err);
    }
  };

  if (enterprise === undefined) return <FormError message={error} />;
  if (!enterprise)
    return (
      <div className="card" data-testid="import-card">
        <h3>{t('import.title')}</h3>
        <p>{t('import.intro')}</p>
        <p className="hint" data-testid="import-enterprise-only">
          {t('import.enterpriseOnly')}
        </p>
      </div>
    );
  const shown = step.kind === 'preview' || step.kind === 'applying' ? step.preview : undefined;
  return (
    <div className="card" data-testid="import-card">
      <h3>{t('import.title')}</h3>
      <p>{t('import.intro')}</p>
      <fieldset
        className={dragging ? 'import-drop dragging' : 'import-drop'}
        data-testid="import-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void choose(e.dataTransfer.files[0]);
        }}
      >
        <label htmlFor={ids.file}>{t('import.file')}</label>
        <input
          id={ids.file}
          type="file"
          accept=".csv,text/csv"
          aria-describedby={ids.hint}
          disabled={step.kind === 'checking' || step.kind === 'applying'}
          onChange={(e) => {
            void choose(e.target.files?.[0]);
            e.target.value = ''; // the same file, fixed, can be chosen again
          }}
        />
        <p id={ids.hint} className="hint">
          {t('import.drop')}
        </p>
      </fieldset>
      <FormError message={error} />
      {step.kind === 'checking' && <p role="status">{t('import.checking')}</p>}
      {shown && step.kind !== 'done' && step.kind !== 'idle' && step.kind !== 'checking' && (
        <>
          <p role="status" data-testid="import-summary">
            {t('import.summary', { file: step.file.name, valid: shown.valid, invalid: shown.invalid })}
          </p>
          {shown.invalid > 0 && <p className="error">{t('import.fixFirst')}</p>}
          <RowTable rows={shown.rows} />
          <div className="row">
            <button
              type="button"
              disabled={shown.invalid > 0 || shown.valid === 0 || step.kind === 'applying'}
              onClick={() => void apply(step.file, shown)}
            >
              {t('import.apply', { n: shown.valid })}
            </button>
            {step.kind === 'applying' && (
              <>
                <progress
                  max={1}
                  value={step.progress < 1 ? step.progress : undefined}
                  aria-label={t('import.applying')}
                />
                <span role="status">{t('import.applying')}</span>
              </>
            )}
          </div>
        </>
      )}
      {step.kind === 'done' && (
        <div data-testid="import-result">
          <p role="status">
            {step.result.applied
              ? [
                  step.result.invited > 0 || step.result.members === 0
                    ? t('import.done', { n: step.result.invited })
                    : '',
                  step.result.members > 0 ? t('import.doneMembers', { n: step.result.members }) : '',
                ]
                  .filter(Boolean)
                  .join(' ')
              : t('import.refused', { n: step.result.invalid })}
          </p>
          {!step.result.applied && <RowTable rows={step.result.rows} />}
          <ReportLink report={step.result.report} label={t('import.report')} />
        </div>
      )}
    </div>
  );
}

function RowTable({ rows }: { rows: readonly ImportRowResult[] }) {
  const t = useT();
  const role = (r: string) =>
    r === 'admin' ? t('import.role.admin') : r === 'member' ? t('import.role.member') : r;
  return (
    // A scrolling region is reached and scrolled with the keyboard too (WCAG 2.1.1).
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable
    <section className="import-table-wrap" aria-label={t('import.rows')} tabIndex={0}>
      <table className="import-table" data-testid="import-rows">
        <thead>
          <tr>
            <th scope="col">{t('import.col.row')}</th>
            <th scope="col">{t('import.col.email')}</th>
            <th scope="col">{t('import.col.name')}</th>
            <th scope="col">{t('import.col.role')}</th>
            <th scope="col">{t('import.col.department')}</th>
            <th scope="col">{t('import.col.problems')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.row} className={r.status === 'invalid' ? 'invalid' : undefined} data-row={r.row}>
              <td>{r.row}</td>
              <td>{r.email}</td>
              <td>{r.displayName}</td>
              <td>{role(r.role)}</td>
              <td>{r.department}</td>
              <td>
                {r.problems.length === 0
                  ? t('import.ok')
                  : r.problems.map((p) => t(`import.problem.${p}` as MessageKey)).join('、')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The report as a download: a Blob URL made once per report and released when it changes. */
function ReportLink({ report, label }: { report: string; label: string }) {
  const [url, setUrl] = useState<string | undefined>();
  useEffect(() => {
    const u = URL.createObjectURL(new Blob([report], { type: 'text/csv;charset=utf-8' }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [report]);
  return url ? (
    <a href={url} download="import-report.csv" data-testid="import-report">
      {label}
    </a>
  ) : null;
}

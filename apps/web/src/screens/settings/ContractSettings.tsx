import type { ContractLogEntryView, ContractView } from '@tsudoi/protocol';
import { useEffect, useState } from 'react';
import { api } from '../../api/http';
import type { MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { FormError, useAction } from '../useAction';
import type { SectionProps } from './sections';

const PLAN_NAMES = { free: 'Free', team: 'Team', enterprise: 'Enterprise' } as const;

/** One log line's summary: what changed, in the viewer's language. */
function LogDetail({ e }: { e: ContractLogEntryView }) {
  const t = useT();
  const d = e.detail as Record<string, unknown>;
  switch (e.type) {
    case 'plan_changed':
      return <>{`${d.from} → ${d.to}`}</>;
    case 'holder_changed':
      return <>{(d.to as { companyName?: string } | null)?.companyName ?? ''}</>;
    case 'billing_added': {
      const b = d.entry as { period: string; amount: number; currency: string };
      return <>{`${b.period} ${b.amount.toLocaleString()} ${b.currency}`}</>;
    }
    case 'workspace_erased':
      return <>{t('contract.log.erasedCounts')}</>;
    default:
      return null;
  }
}

/**
 * The contract (R17), for the workspace's owner: plan, contract holder, billing history and the change
 * log kept 8 years (operators make the changes); and deleting the workspace, with its name typed again.
 */
export function ContractSettings({ ws }: SectionProps) {
  const t = useT();
  const [view, setView] = useState<ContractView | undefined>();
  const { error, run } = useAction();
  const owner = ws.role === 'owner';
  // biome-ignore lint/correctness/useExhaustiveDependencies: `run` is a new function every render; load once per workspace.
  useEffect(() => {
    if (owner)
      void run(async () => setView(await api<ContractView>('GET', `/api/workspaces/${ws.id}/contract`)));
  }, [ws.id, owner]);
  if (!owner) return <p className="card hint">{t('contract.ownerOnly')}</p>;
  if (!view) return <FormError message={error} />;
  return (
    <>
      <div className="card" data-testid="contract">
        <p>
          {t('settings.plan')}: <strong>{PLAN_NAMES[view.plan]}</strong>
        </p>
        <h3>{t('contract.holder')}</h3>
        {view.holder ? (
          <dl className="list">
            <dt>{t('contract.company')}</dt>
            <dd>{view.holder.companyName}</dd>
            <dt>{t('contract.billingContact')}</dt>
            <dd>
              {view.holder.billingContactName} &lt;{view.holder.billingContactEmail}&gt;
            </dd>
          </dl>
        ) : (
          <p className="hint">{t('contract.noHolder')}</p>
        )}
        <h3>{t('contract.billing')}</h3>
        {view.billing.length === 0 ? (
          <p className="hint">{t('contract.noBilling')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('contract.period')}</th>
                <th scope="col">{t('contract.amount')}</th>
                <th scope="col">{t('contract.description')}</th>
              </tr>
            </thead>
            <tbody>
              {view.billing.map((b) => (
                <tr key={b.id}>
                  <td>{b.period}</td>
                  <td>{`${b.amount.toLocaleString()} ${b.currency}`}</td>
                  <td>{b.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h3>{t('contract.log')}</h3>
        <p className="hint">{t('contract.log.kept', { years: view.retentionYears })}</p>
        <table data-testid="contract-log">
          <thead>
            <tr>
              <th scope="col">{t('contract.log.at')}</th>
              <th scope="col">{t('contract.log.what')}</th>
              <th scope="col">{t('contract.log.by')}</th>
              <th scope="col">{t('contract.log.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {view.log.map((e) => (
              <tr key={e.id}>
                <td>{new Date(e.at).toLocaleString()}</td>
                <td>{t(`contract.type.${e.type}` as MessageKey)}</td>
                <td>
                  {e.actor.kind === 'owner'
                    ? t('contract.actor.owner')
                    : `${t(`contract.actor.${e.actor.kind}` as MessageKey)} ${e.actor.name}`}
                </td>
                <td>
                  <LogDetail e={e} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <DeleteWorkspace ws={ws} />
    </>
  );
}

/** The owner deletes the workspace: its name typed again; restorable for 30 days (by the owner or support). */
function DeleteWorkspace({ ws }: SectionProps) {
  const t = useT();
  const [typed, setTyped] = useState('');
  const { busy, error, run } = useAction();
  return (
    <form
      className="card danger"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          await api('POST', `/api/workspaces/${ws.id}/deletion`, { confirmName: typed });
          window.location.assign('/');
        });
      }}
    >
      <h3>{t('contract.delete.title')}</h3>
      <p>{t('contract.delete.explain')}</p>
      <label>
        {t('contract.delete.typeName', { name: ws.name })}
        <input
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
          data-testid="delete-confirm-name"
        />
      </label>
      <button type="submit" className="danger" disabled={busy || typed.trim() !== ws.name} aria-busy={busy}>
        {busy ? t('contract.delete.busy') : t('contract.delete.submit')}
      </button>
      <FormError message={error} />
    </form>
  );
}

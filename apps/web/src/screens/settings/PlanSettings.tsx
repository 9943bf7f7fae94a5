import type { WorkspaceDetail } from '@tsudoi/protocol';
import { useEffect, useState } from 'react';
import { api } from '../../api/http';
import { useT } from '../../i18n/useT';
import { FormError, useAction } from '../useAction';
import type { SectionProps } from './sections';

const PLAN_NAMES = { free: 'Free', team: 'Team', enterprise: 'Enterprise' } as const;
const FEATURES = ['requireMfaForAll', 'saml', 'ipAllowList', 'accessLogs', 'csvImport'] as const;

/** The plan, read-only: plans change through the operator until contract management exists. */
export function PlanSettings({ ws }: SectionProps) {
  const t = useT();
  const [detail, setDetail] = useState<WorkspaceDetail | undefined>();
  const { error, run } = useAction();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `run` is a new function every render; load once per workspace.
  useEffect(() => {
    void run(async () => setDetail(await api<WorkspaceDetail>('GET', `/api/workspaces/${ws.id}`)));
  }, [ws.id]);
  if (!detail) return <FormError message={error} />;
  return (
    <div className="card">
      <p data-testid="plan">
        {t('settings.plan')}: <strong>{PLAN_NAMES[detail.plan]}</strong>{' '}
        <span className="hint">{t('settings.planByOperator')}</span>
      </p>
      <h3>{t('shell.plan.features')}</h3>
      <ul className="list" data-testid="plan-features">
        {FEATURES.map((f) => (
          <li key={f} className="row">
            <span>{t(`shell.plan.feature.${f}`)}</span>
            <span className={detail.features[f] ? 'badge ok' : 'badge'}>
              {detail.features[f] ? t('shell.plan.feature.on') : t('shell.plan.feature.off')}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

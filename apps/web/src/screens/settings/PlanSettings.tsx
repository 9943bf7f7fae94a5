import type { WorkspaceDetail } from '@tsudoi/protocol';
import { useEffect, useState } from 'react';
import { api } from '../../api/http';
import { useT } from '../../i18n/useT';
import type { SectionProps } from './sections';

const PLAN_NAMES = { free: 'Free', team: 'Team', enterprise: 'Enterprise' } as const;
const FEATURES = ['requireMfaForAll', 'saml', 'ipAllowList', 'accessLogs', 'csvImport'] as const;
const FEATURE_NAMES = {
  requireMfaForAll: 'MFA',
  saml: 'SAML SSO',
  ipAllowList: 'IP allow-list',
  accessLogs: 'Access logs',
  csvImport: 'CSV import',
} as const;

/** The plan, read-only: plans change through the operator until contract management exists. */
export function PlanSettings({ ws }: SectionProps) {
  const t = useT();
  const [detail, setDetail] = useState<WorkspaceDetail | undefined>();
  useEffect(() => {
    void api<WorkspaceDetail>('GET', `/api/workspaces/${ws.id}`).then(setDetail);
  }, [ws.id]);
  if (!detail) return null;
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
            <span lang="en">{FEATURE_NAMES[f]}</span>
            <span className={detail.features[f] ? 'badge ok' : 'badge'}>
              {detail.features[f] ? t('shell.plan.feature.on') : t('shell.plan.feature.off')}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

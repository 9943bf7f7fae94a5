import type { WorkspaceSummary } from '@tsudoi/protocol';
import type { ComponentType } from 'react';
import type { MessageKey } from '../../i18n/messages';
import { Members } from '../Members';
import { SecuritySettings } from '../SecuritySettings';
import { AccessLogSettings } from './AccessLogSettings';
import { ContractSettings } from './ContractSettings';
import { WorkspaceImageSettings } from './ImageSettings';
import { ImportSettings } from './ImportSettings';
import { IpAllowListSettings } from './IpAllowListSettings';
import { PlanSettings } from './PlanSettings';
import { ProfileSettings } from './ProfileSettings';
import { SsoSettings } from './SsoSettings';

export interface SectionProps {
  ws: WorkspaceSummary;
}

export interface SettingsSection {
  /** The route segment: `/w/:id/settings/<id>`. */
  id: string;
  label: MessageKey;
  adminOnly: boolean;
  Component: ComponentType<SectionProps>;
}

const MembersSection = ({ ws }: SectionProps) => (
  <Members workspaceId={ws.id} isAdmin={ws.role !== 'member'} />
);
const SecuritySection = ({ ws }: SectionProps) => <SecuritySettings workspaceId={ws.id} />;

/** Settings sections in navigation order. A new section (SSO, IP allow-list, access logs, import) is one line. */
export const SETTINGS_SECTIONS: readonly SettingsSection[] = [
  { id: 'profile', label: 'shell.settings.profile', adminOnly: false, Component: ProfileSettings },
  { id: 'members', label: 'shell.settings.members', adminOnly: false, Component: MembersSection },
  { id: 'security', label: 'shell.settings.security', adminOnly: true, Component: SecuritySection },
  { id: 'network', label: 'shell.settings.network', adminOnly: true, Component: IpAllowListSettings },
  { id: 'sso', label: 'shell.settings.sso', adminOnly: true, Component: SsoSettings },
  { id: 'import', label: 'shell.settings.import', adminOnly: true, Component: ImportSettings },
  { id: 'access-log', label: 'shell.settings.accessLog', adminOnly: true, Component: AccessLogSettings },
  {
    id: 'workspace-image',
    label: 'image.workspace.title',
    adminOnly: true,
    Component: WorkspaceImageSettings,
  },
  { id: 'plan', label: 'shell.settings.plan', adminOnly: true, Component: PlanSettings },
  { id: 'contract', label: 'shell.settings.contract', adminOnly: true, Component: ContractSettings },
];

import type { WorkspaceDetail } from '@tsudoi/protocol';
import type { Plan } from './workspaceRepo.js';

/** What each plan may use (R1). The server enforces these; the UI only mirrors them. */
export type PlanFeatures = WorkspaceDetail['features'];

export const PLAN_FEATURES: Record<Plan, PlanFeatures> = {
  free: {
    maxMembers: 10,
    requireMfaForAll: false,
    saml: false,
    ipAllowList: false,
    accessLogs: false,
    csvImport: false,
    contractManagement: false,
  },
  team: {
    maxMembers: 500,
    requireMfaForAll: false,
    saml: false,
    ipAllowList: false,
    accessLogs: false,
    csvImport: false,
    contractManagement: true,
  },
  enterprise: {
    maxMembers: 10_000,
    requireMfaForAll: true,
    saml: true,
    ipAllowList: true,
    accessLogs: true,
    csvImport: true,
    contractManagement: true,
  },
};

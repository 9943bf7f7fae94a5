import type { IpAllowListView, UpdateIpAllowListRequest } from '@tsudoi/protocol';
import type { AuditLog, RequestOrigin } from '../audit/auditLog.js';
import { AppError } from '../errors.js';
import type { UnitOfWork } from '../unitOfWork.js';
import type { WorkspaceAccess } from './access.js';
import { ipAllowed, parseAllowList, type RangeProblem } from './ipAllowList.js';
import { PLAN_FEATURES } from './planPolicy.js';
import { resolveSecurity } from './security.js';
import type { Workspace, WorkspaceRepo } from './workspaceRepo.js';

const REASON_TEXT: Record<RangeProblem['reason'], string> = {
  notAnAddress: 'not an IPv4 or IPv6 address or range',
  badPrefix: 'the prefix length is out of range (0–32 for IPv4, 0–128 for IPv6)',
  zoneNotAllowed: 'zone ids (%…) are not allowed',
};

export interface IpAllowListDeps {
  tx: UnitOfWork<{ workspaces: WorkspaceRepo }>;
  workspaces: Pick<WorkspaceRepo, 'get'>;
  access: WorkspaceAccess;
  audit: AuditLog;
}

/**
 * An Enterprise workspace's IP allow-list (R12), read and replaced by its admins. The caller has passed the
 * access decision as an admin (the route's gate, which already applies the current list). Saving a list
 * re-checks every open socket of the workspace at once (`WorkspaceAccess.rulesChanged`).
 */
export class IpAllowListService {
  constructor(private readonly d: IpAllowListDeps) {}

  async get(workspaceId: string, origin: RequestOrigin): Promise<IpAllowListView> {
    const ws = await this.d.workspaces.get(workspaceId);
    if (!ws) throw AppError.notFound('Workspace not found.');
    requireEnterprise(ws);
    return view(resolveSecurity(ws.security).ipAllowList, origin.ip);
  }

  async set(
    workspaceId: string,
    userId: string,
    input: Required<UpdateIpAllowListRequest>,
    origin: RequestOrigin,
  ): Promise<IpAllowListView> {
    const parsed = parseAllowList(input.ranges);
    if (!parsed.ok) {
      const fields = Object.fromEntries(
        parsed.problems.map((p) => [`ranges.${p.index}`, `${p.entry}: ${REASON_TEXT[p.reason]}`]),
      );
      throw AppError.badRequest('Some entries are not IP addresses or CIDR ranges.', fields);
    }
    const { ranges } = parsed;
    if (!ipAllowed(origin.ip, ranges) && !input.confirmSelfExclusion) {
      throw new AppError(
        'IP_SELF_EXCLUDED',
        `This list does not include your current address (${origin.ip ?? 'unknown'}): saving it ends your own access. Confirm to save anyway.`,
      );
    }
    const before = await this.d.tx.transaction(async (tx) => {
      const ws = await tx.workspaces.get(workspaceId);
      if (!ws) throw AppError.notFound('Workspace not found.');
      requireEnterprise(ws);
      const current = resolveSecurity(ws.security);
      await tx.workspaces.update(workspaceId, { security: { ...current, ipAllowList: ranges } });
      return current.ipAllowList;
    });
    await this.d.audit.record(
      'admin.ip_allow_list_changed',
      origin,
      { userId, workspaceId },
      {
        ranges: ranges.length,
        before: before.length,
        selfExcluded: !ipAllowed(origin.ip, ranges),
      },
    );
    // Open sockets of addresses now outside the list lose access at once.
    this.d.access.rulesChanged({ workspaceId });
    return view(ranges, origin.ip);
  }
}

function requireEnterprise(ws: Workspace): void {
  if (!PLAN_FEATURES[ws.plan].ipAllowList)
    throw new AppError('PLAN_REQUIRED', 'An IP allow-list needs the Enterprise plan.');
}

const view = (ranges: string[], ip: string | null): IpAllowListView => ({
  ranges,
  yourIp: ip,
  youAreAllowed: ipAllowed(ip, ranges),
});

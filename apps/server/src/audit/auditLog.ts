import { randomUUID } from 'node:crypto';
import type { MembershipRepo } from '../auth/accountStore.js';
import type { Clock } from '../clock.js';
import type { AccessLogEvent, AccessLogRepo } from './accessLogRepo.js';
import type { SecurityEventType } from './securityEvents.js';

/** Where a request came from; recorded with every event. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

export type AuditEventType =
  | 'auth.signup'
  | 'auth.email_verified'
  | 'auth.signin'
  | 'auth.signin_failed'
  | 'auth.lockout'
  | 'auth.otp_sent'
  | 'auth.otp_failed'
  | 'auth.signout'
  | 'auth.password_changed'
  | 'auth.sessions_revoked'
  | 'auth.password_reset_requested'
  | 'auth.password_reset'
  | 'auth.mail_throttled'
  | 'admin.workspace_created'
  | 'admin.workspace_updated'
  | 'admin.invitation_sent'
  | 'admin.invitation_revoked'
  | 'admin.member_joined'
  | 'admin.member_updated'
  | 'admin.member_removed'
  | 'admin.account_unlocked'
  /** A plan change, made by the operator (actor 'operator' in the detail), never by a workspace owner. */
  | 'admin.plan_changed'
  | 'admin.member_signed_out'
  | 'admin.ip_allow_list_changed'
  /** An admin downloaded the access log as CSV (R14); the filter in the detail. */
  | 'admin.access_log_exported'
  | 'admin.sso_changed'
  /** SAML sign-in (R11): success, or a refusal with its reason in the detail. */
  | 'sso.signin'
  | 'sso.signin_failed'
  | 'sso.member_joined'
  /** A CSV user import (R15): counts only (rows, invited, invalid, applied). */
  | 'admin.users_imported'
  | 'admin.room_created'
  | 'admin.room_archived'
  | 'room.enter'
  | 'room.leave'
  /** Refusals recorded by audit/securityEvents.ts. */
  | `security.${SecurityEventType}`;

/**
 * Records access-log events (R13, R14) with UTC time, workspace, user, IP and user agent. An event about
 * a user but no particular workspace (a sign-in) is written once per workspace the user belongs to, so
 * each tenant's log is complete on its own; with no workspace it is kept unscoped for operators.
 */
export class AuditLog {
  constructor(
    private readonly repos: { accessLog: AccessLogRepo; memberships: Pick<MembershipRepo, 'listByUser'> },
    private readonly clock: Clock,
  ) {}

  async record(
    type: AuditEventType,
    origin: RequestOrigin,
    who: { userId: string | null; workspaceId?: string },
    detail: AccessLogEvent['detail'] = {},
  ): Promise<void> {
    const at = this.clock().toISOString();
    let workspaceIds: Array<string | null>;
    if (who.workspaceId) workspaceIds = [who.workspaceId];
    else if (who.userId) {
      const ms = await this.repos.memberships.listByUser(who.userId);
      workspaceIds = ms.length ? ms.map((m) => m.workspaceId) : [null];
    } else workspaceIds = [null];
    for (const workspaceId of workspaceIds) {
      await this.repos.accessLog.append({
        id: randomUUID(),
        workspaceId,
        userId: who.userId,
        type,
        at,
        ip: origin.ip,
        userAgent: origin.userAgent?.slice(0, 512) ?? null,
        detail,
      });
    }
  }
}

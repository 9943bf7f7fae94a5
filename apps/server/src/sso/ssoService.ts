/**
 * SAML single sign-on for an Enterprise workspace (R11), service-provider side: the admin's settings, the
 * SP-initiated AuthnRequest, and the ACS that turns a valid response into a session. Every outcome of the
 * ACS — the sign-in and each refusal with its reason — goes to the workspace's access log.
 */
import { randomUUID } from 'node:crypto';
import { generateServiceProviderMetadata, type Profile } from '@node-saml/node-saml';
import type { SsoConfigView, SsoDiscoverView, UpdateSsoConfigRequest } from '@tsudoi/protocol';
import type { AuditLog, RequestOrigin } from '../audit/auditLog.js';
import type { MembershipRepo, User, UserRepo } from '../auth/accountStore.js';
import type { SessionService } from '../auth/sessionService.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { UnitOfWork } from '../unitOfWork.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { workspaceAllowsIp } from '../workspaces/ipAllowList.js';
import { PLAN_FEATURES } from '../workspaces/planPolicy.js';
import { resolveSecurity } from '../workspaces/security.js';
import type { Workspace, WorkspaceRepo } from '../workspaces/workspaceRepo.js';
import { planDomainClaim } from './domainClaim.js';
import {
  assertedEmail,
  assertedName,
  checkEnvelope,
  NAMEID_EMAIL,
  refusalOf,
  type SpEndpoints,
  SsoRefused,
  samlFor,
} from './samlValidation.js';
import { type SpKeyKeys, spCredentialsOf } from './spCredentials.js';
import {
  describeCertificate,
  normaliseCertificate,
  parseIdpMetadata,
  pemOf,
  type SsoConfig,
} from './ssoConfig.js';
import { checkDomainClaims, domainOfEmail } from './ssoDomains.js';
import type { SsoRepo } from './ssoRepo.js';
import { SsoRequests, type TakeOutcome } from './ssoRequests.js';
import { samlMethod } from './ssoRequiredRule.js';

export interface SsoDeps {
  tx: UnitOfWork<{
    workspaces: WorkspaceRepo;
    sso: SsoRepo;
    accounts: { users: UserRepo; memberships: MembershipRepo };
  }>;
  workspaces: Pick<WorkspaceRepo, 'get'>;
  /** Domains, sent requests and accepted assertions, shared by every instance. */
  sso: SsoRepo;
  users: Pick<UserRepo, 'getByEmail' | 'getById'>;
  memberships: Pick<MembershipRepo, 'get' | 'listByWorkspace'>;
  sessions: SessionService;
  /** Saving the settings re-checks the workspace's open sockets ("SSO required" ends password sessions' access). */
  access: Pick<WorkspaceAccess, 'rulesChanged'>;
  audit: AuditLog;
  clock: Clock;
  /** R19: the workspace's SAML SP private key is stored sealed under its data key. */
  dataKeys: SpKeyKeys;
  /** The server's public base URL (PUBLIC_URL or where it listens). */
  publicUrl: () => string;
  onError?: (err: unknown, what: string) => void;
  /** The email-code step of sign-in (AuthService.startEmailCode), for workspaces that want it after the IdP. */
  startEmailCode: (
    userId: string,
    via: string,
    origin: RequestOrigin,
  ) => Promise<{ challengeToken: string; expiresAt: string; email: string }>;
}

/** What a valid IdP answer leads to: a session, or the email code first (the workspace asks for it). */
export type AcsOutcome =
  | { next: 'done'; sessionToken: string; userId: string }
  | { next: 'otp'; challengeToken: string; expiresAt: string; email: string; userId: string };

export class SsoService {
  readonly requests: SsoRequests;

  constructor(private readonly d: SsoDeps) {
    this.requests = new SsoRequests(d.sso, d.clock, (err) => d.onError?.(err, 'sso: pruning old requests'));
  }

  /** Tsudoi's SP endpoints for a workspace: its own entity id and ACS (the ACS URL is the audience's home). */
  sp(workspaceId: string): SpEndpoints {
    const base = this.d.publicUrl().replace(/\/$/, '');
    return {
      entityId: `${base}/api/sso/${workspaceId}/metadata`,
      acsUrl: `${base}/api/sso/${workspaceId}/acs`,
    };
  }

  async view(workspaceId: string): Promise<SsoConfigView> {
    const ws = await this.#enterprise(workspaceId);
    const cfg = resolveSecurity(ws.security).sso;
    const sp = this.sp(workspaceId);
    const { certificate } = await spCredentialsOf(this.d, ws);
    return {
      configured: cfg !== undefined,
      enabled: cfg?.enabled ?? false,
      required: cfg?.required ?? false,
      breakGlassUserId: cfg?.breakGlassUserId ?? null,
      idpEntityId: cfg?.idpEntityId ?? null,
      ssoUrl: cfg?.ssoUrl ?? null,
      certificates: (cfg?.certificates ?? []).map(describeCertificate),
      domains: await this.d.sso.domainsOf(workspaceId),
      emailCodeAfterIdp: cfg?.emailCode ?? false,
      sp: {
        ...sp,
        nameIdFormat: NAMEID_EMAIL,
        metadataUrl: sp.entityId,
        signingCertificate: { ...describeCertificate(certificate), pem: pemOf(certificate) },
      },
    };
  }

  async update(
    workspaceId: string,
    userId: string,
    input: UpdateSsoConfigRequest,
    origin: RequestOrigin,
  ): Promise<SsoConfigView> {
    let fromMetadata: Partial<SsoConfig> = {};
    if (input.metadataXml) {
      const parsed = parseIdpMetadata(input.metadataXml);
      if (!parsed.ok)
        throw new AppError('SSO_METADATA_INVALID', `The IdP metadata cannot be used: ${parsed.problem}.`);
      fromMetadata = parsed.metadata;
    }
    const certificates = input.certificates?.map((c, i) => {
      const body = normaliseCertificate(c);
      if (!body) throw AppError.badRequest('Not an X.509 certificate.', { [`certificates.${i}`]: 'invalid' });
      return body;
    });
    if (input.breakGlassUserId) {
      const m = await this.d.memberships.get(workspaceId, input.breakGlassUserId);
      if (m?.role !== 'owner' || m.status !== 'active')
        throw AppError.badRequest('The break-glass account must be an owner of this workspace.', {
          breakGlassUserId: 'notOwner',
        });
    } else if ((input.required ?? false) && !input.confirmNoBreakGlass) {
      throw new AppError(
        'SSO_NO_BREAK_GLASS',
        'With single sign-on required and no break-glass owner, nobody can sign in with a password: confirm it.',
      );
    }
    const domains = input.domains && (await this.#checkedDomains(workspaceId, input.domains));
    const next = await this.d.tx.transaction(async (tx) => {
      const ws = await tx.workspaces.get(workspaceId);
      if (!ws) throw AppError.notFound('Workspace not found.');
      requireEnterprise(ws);
      const claim = domains && (await planDomainClaim(tx, workspaceId, domains));
      if (claim && 'taken' in claim)
        throw new AppError('SSO_DOMAIN_TAKEN', `Another workspace signs in ${claim.taken} already.`, {
          fields: { domains: claim.taken },
        });
      const current = resolveSecurity(ws.security);
      const cfg: SsoConfig = {
        enabled: input.enabled ?? true,
        required: input.required ?? false,
        breakGlassUserId: input.breakGlassUserId ?? null,
        idpEntityId: input.idpEntityId ?? fromMetadata.idpEntityId ?? current.sso?.idpEntityId ?? '',
        ssoUrl: input.ssoUrl ?? fromMetadata.ssoUrl ?? current.sso?.ssoUrl ?? '',
        certificates: certificates ?? fromMetadata.certificates ?? current.sso?.certificates ?? [],
        emailCode: input.emailCodeAfterIdp ?? current.sso?.emailCode ?? false,
      };
      if (!cfg.idpEntityId || !cfg.ssoUrl || cfg.certificates.length === 0)
        throw new AppError('SSO_METADATA_INVALID', 'An IdP entity id, SSO URL and certificate are needed.');
      await tx.workspaces.update(workspaceId, { security: { ...current, sso: cfg } });
      if (claim) await tx.sso.routeDomains(workspaceId, claim);
      return cfg;
    });
    // Open sockets that no longer pass (a password session once SSO is required) lose access at once.
    this.d.access.rulesChanged({ workspaceId });
    await this.d.audit.record(
      'admin.sso_changed',
      origin,
      { userId, workspaceId },
      {
        enabled: next.enabled,
        required: next.required,
        emailCode: next.emailCode ?? false,
        certificates: next.certificates.length,
        ...(domains ? { domains: domains.join(' ') } : {}),
      },
    );
    return this.view(workspaceId);
  }

  /**
   * "Sign in with your company" by email: the workspace whose IdP signs in the address's domain, when that
   * workspace is Enterprise and its SSO is on. Says nothing about whether the address has an account.
   */
  async discover(email: string): Promise<SsoDiscoverView> {
    const domain = domainOfEmail(email);
    const workspaceId = domain ? await this.d.sso.workspaceForDomain(domain) : undefined;
    if (!workspaceId) return { workspaceId: null };
    const ws = await this.d.workspaces.get(workspaceId);
    const on = ws && !ws.closedAt && PLAN_FEATURES[ws.plan].saml && resolveSecurity(ws.security).sso?.enabled;
    return { workspaceId: on ? workspaceId : null };
  }

  /** The requested domains, refused with the problem of each unless every one may be claimed. */
  async #checkedDomains(workspaceId: string, requested: readonly string[]): Promise<string[]> {
    const admins = (await this.d.memberships.listByWorkspace(workspaceId)).filter(
      (m) => m.status === 'active' && (m.role === 'owner' || m.role === 'admin'),
    );
    const users = await Promise.all(admins.map((m) => this.d.users.getById(m.userId)));
    const verified = users.filter((u) => u?.emailVerifiedAt).map((u) => u!.email);
    const checked = checkDomainClaims(requested, verified);
    if (checked.ok) return checked.domains;
    throw AppError.badRequest(
      'These email domains cannot be routed to your identity provider.',
      Object.fromEntries(Object.entries(checked.problems).map(([i, p]) => [`domains.${i}`, p])),
    );
  }

  /** The SP metadata XML an IdP administrator imports. */
  async metadataXml(workspaceId: string): Promise<string> {
    const ws = await this.#enterprise(workspaceId);
    const sp = this.sp(workspaceId);
    const key = await spCredentialsOf(this.d, ws);
    // With the key and certificate, node-saml writes AuthnRequestsSigned="true" and the signing KeyDescriptor.
    return generateServiceProviderMetadata({
      issuer: sp.entityId,
      callbackUrl: sp.acsUrl,
      identifierFormat: NAMEID_EMAIL,
      wantAssertionsSigned: true,
      privateKey: key.privateKeyPem,
      publicCerts: pemOf(key.certificate),
      signatureAlgorithm: 'sha256',
    });
  }

  /** SP-initiated login: the IdP URL carrying a new AuthnRequest bound to `browserNonce`. */
  async loginUrl(workspaceId: string, browserNonce: string, origin: RequestOrigin): Promise<string> {
    const ws = await this.#enterprise(workspaceId);
    const cfg = resolveSecurity(ws.security).sso;
    if (!cfg?.enabled) throw new AppError('SSO_NOT_CONFIGURED', 'This workspace has no single sign-on.');
    if (!workspaceAllowsIp(ws, origin.ip))
      throw new AppError('IP_NOT_ALLOWED', 'This workspace does not accept connections from your address.');
    const key = await spCredentialsOf(this.d, ws);
    const saml = samlFor(
      cfg,
      this.sp(workspaceId),
      {
        saveAsync: async (id, value) => {
          await this.requests.remember(id, workspaceId, browserNonce);
          return { value, createdAt: this.d.clock().getTime() };
        },
        getAsync: async () => null,
        removeAsync: async () => null,
      },
      this.d.clock,
      key.privateKeyPem,
    );
    return saml.getAuthorizeUrlAsync('', undefined, {});
  }

  /** The ACS: a valid, signed, unreplayed answer to this browser's request signs its user in. */
  async acs(
    workspaceId: string,
    samlResponse: string | undefined,
    browserNonce: string | undefined,
    origin: RequestOrigin,
  ): Promise<AcsOutcome> {
    const refuse = async (reason: string, userId: string | null = null, detail?: string) => {
      await this.d.audit.record(
        'sso.signin_failed',
        origin,
        { userId, workspaceId },
        { reason, ...(detail ? { detail: detail.slice(0, 200) } : {}) },
      );
      throw new AppError('SSO_FAILED', `Single sign-on failed (${reason}).`);
    };
    const ws = await this.d.workspaces.get(workspaceId);
    // A deleted workspace (workspaces/deletion) has no sign-in and no SSO settings.
    if (!ws || ws.closedAt) throw AppError.notFound('Workspace not found.');
    const cfg = resolveSecurity(ws.security).sso;
    if (!PLAN_FEATURES[ws.plan].saml || !cfg?.enabled) return refuse('notConfigured');
    if (!workspaceAllowsIp(ws, origin.ip)) return refuse('ipNotAllowed');
    if (!samlResponse || samlResponse.length > 512_000) return refuse('malformed');
    const sp = this.sp(workspaceId);
    const taken: { value?: TakeOutcome } = {};
    let profile: Profile | null;
    let envelope: { assertionId: string; notOnOrAfterMs: number };
    try {
      const saml = samlFor(cfg, sp, this.requests.cacheFor(workspaceId, browserNonce, taken), this.d.clock);
      profile = (await saml.validatePostResponseAsync({ SAMLResponse: samlResponse })).profile;
      if (!profile) return refuse('malformed');
      envelope = checkEnvelope(profile, sp);
    } catch (err) {
      if (err instanceof AppError) throw err;
      const reason =
        taken.value && taken.value !== 'ok'
          ? takeRefusal(taken.value)
          : err instanceof SsoRefused
            ? err.reason
            : refusalOf(err);
      return refuse(reason, null, err instanceof Error ? err.message : undefined);
    }
    if (!(await this.requests.acceptAssertionOnce(envelope.assertionId, envelope.notOnOrAfterMs)))
      return refuse('replayed');
    const email = assertedEmail(profile);
    if (!email) return refuse('noEmail');
    const joined = await this.#memberFor(ws, email, assertedName(profile));
    if (!joined.ok) return refuse(joined.reason, joined.userId);
    if (joined.created)
      await this.d.audit.record(
        'sso.member_joined',
        origin,
        { userId: joined.userId, workspaceId },
        { role: 'member' },
      );
    if (cfg.emailCode) {
      // The IdP vouched; the email code completes the sign-in (the session is made by the code step).
      const code = await this.d.startEmailCode(joined.userId, samlMethod(workspaceId), origin);
      await this.d.audit.record(
        'sso.signin',
        origin,
        { userId: joined.userId, workspaceId },
        { jit: joined.created, emailCode: true },
      );
      return { next: 'otp', ...code, userId: joined.userId };
    }
    const sessionToken = await this.d.sessions.establish(joined.userId, samlMethod(workspaceId), origin);
    await this.d.audit.record(
      'sso.signin',
      origin,
      { userId: joined.userId, workspaceId },
      { jit: joined.created },
    );
    return { next: 'done', sessionToken, userId: joined.userId };
  }

  /** The workspace, refused with PLAN_REQUIRED unless its plan includes SAML. */
  async #enterprise(workspaceId: string): Promise<Workspace> {
    const ws = await this.d.workspaces.get(workspaceId);
    // A deleted workspace (workspaces/deletion) has no sign-in and no SSO settings.
    if (!ws || ws.closedAt) throw AppError.notFound('Workspace not found.');
    requireEnterprise(ws);
    return ws;
  }

  /**
   * The member the IdP asserts: an existing account only when it is already an active member of this
   * workspace; a new email gets an account (no password, verified by the IdP) and membership together —
   * only at a domain routed to this workspace (an admin proved a mailbox there). Otherwise a workspace's IdP
   * could create accounts for anyone's address, locking its owner out of sign-up, and then claim the
   * domain through such an "admin".
   */
  async #memberFor(
    ws: Workspace,
    email: string,
    name: string | undefined,
  ): Promise<
    | { ok: true; userId: string; created: boolean }
    | {
        ok: false;
        reason: 'notMember' | 'disabled' | 'memberLimit' | 'domainNotRouted';
        userId: string | null;
      }
  > {
    const existing = await this.d.users.getByEmail(email);
    if (existing) {
      const m = await this.d.memberships.get(ws.id, existing.id);
      if (!m) return { ok: false, reason: 'notMember', userId: existing.id };
      if (m.status !== 'active') return { ok: false, reason: 'disabled', userId: existing.id };
      return { ok: true, userId: existing.id, created: false };
    }
    const domain = domainOfEmail(email);
    if (!domain || (await this.d.sso.workspaceForDomain(domain)) !== ws.id)
      return { ok: false, reason: 'domainNotRouted', userId: null };
    const members = await this.d.memberships.listByWorkspace(ws.id);
    if (members.filter((m) => m.status === 'active').length >= PLAN_FEATURES[ws.plan].maxMembers)
      return { ok: false, reason: 'memberLimit', userId: null };
    const now = this.d.clock().toISOString();
    const user: User = {
      id: randomUUID(),
      email,
      displayName: name ?? email.split('@')[0]!,
      locale: 'ja',
      passwordHash: null,
      passwordChangedAt: null,
      emailVerifiedAt: now,
      mfaEnabled: false,
      failedSignins: 0,
      lockedUntil: null,
      createdAt: now,
    };
    const created = await this.d.tx.transaction(async (tx) => {
      if (!(await tx.accounts.users.create(user))) return false;
      await tx.accounts.memberships.add({
        workspaceId: ws.id,
        userId: user.id,
        role: 'member',
        status: 'active',
        joinedAt: now,
      });
      return true;
    });
    if (!created) return this.#memberFor(ws, email, name); // the same email arrived twice at once
    return { ok: true, userId: user.id, created: true };
  }
}

function requireEnterprise(ws: Workspace): void {
  if (!PLAN_FEATURES[ws.plan].saml)
    throw new AppError('PLAN_REQUIRED', 'Single sign-on needs the Enterprise plan.');
}

function takeRefusal(t: Exclude<TakeOutcome, 'ok'>): string {
  return t === 'unknown' || t === 'otherWorkspace' ? 'inResponseTo' : t;
}

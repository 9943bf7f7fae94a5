import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { AccessLogRetention } from './audit/accessLogRetention.js';
import { accessLogRoutes } from './audit/accessLogRoutes.js';
import { AccessLogService } from './audit/accessLogService.js';
import { AuditLog } from './audit/auditLog.js';
import { authRoutes } from './auth/authRoutes.js';
import { AuthService } from './auth/authService.js';
import { SessionService } from './auth/sessionService.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { wireContracts } from './contracts/contractsWiring.js';
import { DataKeys } from './crypto/dataKeys.js';
import { SealedBlobStore } from './crypto/sealedBlobStore.js';
import { createHttp } from './http/createHttp.js';
import { devInboxRoutes } from './http/devInboxRoutes.js';
import { healthRoutes } from './http/health.js';
import { opsRoutes } from './http/opsRoutes.js';
import { cookieName, csrfProtection } from './http/requestContext.js';
import { webAppRoutes } from './http/webApp.js';
import { imageWiring } from './images/imageWiring.js';
import type { DevInbox } from './mail/devInbox.js';
import { type Mailer, smtpMailer } from './mail/mailer.js';
import { linkKeysOf } from './media/links/linkToken.js';
import { MediaService } from './media/mediaService.js';
import { startPlacement } from './media/placement/placementWiring.js';
import { webRtcServerPlan } from './media/transports.js';
import { MediaWorkerPool, type WorkerFactory } from './media/workerPool.js';
import { type Operations, startOperations } from './ops/operations.js';
import { PresenceTracker } from './presence/presenceTracker.js';
import { createGateway } from './realtime/gateway.js';
import type { TsudoiServer } from './realtime/types.js';
import type { PurgedConversation } from './retention/purger.js';
import { RetentionScheduler } from './retention/scheduler.js';
import { Floors } from './rooms/floors.js';
import type { Scaling } from './scaling/scaling.js';
import { ssoRequiredRule, ssoSessionScopeRule } from './sso/ssoRequiredRule.js';
import { ssoRoutes } from './sso/ssoRoutes.js';
import { SsoService } from './sso/ssoService.js';
import { backupEngineOf } from './storage/backupEngine.js';
import { FsBlobStore } from './storage/blobStore.js';
import { createStore } from './storage/createStore.js';
import { dataKeyRepoOf } from './storage/dataKeyRepo.js';
import { placementReposOf } from './storage/placementRepo.js';
import { sealedStore } from './storage/sealedStore.js';
import type { Store, UnitOfWork } from './storage/store.js';
import { VERSION } from './version.js';
import { WorkspaceAccess } from './workspaces/access.js';
import { csvImportRoutes } from './workspaces/csvImport/csvImportRoutes.js';
import { ipAllowListRule } from './workspaces/ipAllowList.js';
import { IpAllowListService } from './workspaces/ipAllowListService.js';
import { workspaceRoutes } from './workspaces/workspaceRoutes.js';
import { WorkspaceService } from './workspaces/workspaceService.js';

/** A running Tsudoi server and everything it owns; `close()` releases all of it, in reverse order. */
export interface TsudoiApp {
  readonly http: FastifyInstance;
  readonly io: TsudoiServer;
  readonly store: Store;
  readonly pool: MediaWorkerPool;
  readonly media: MediaService;
  readonly floors: Floors;
  readonly mailer: Mailer;
  readonly inbox: DevInbox | undefined;
  readonly sessions: SessionService;
  /** Sign-up, sign-in, password reset; `auth.mail.settled()` waits for queued account mail. */
  readonly auth: AuthService;
  /** The 01:00 purge; `purgeConversationNow()` for a room that became empty (R6). */
  readonly retention: RetentionScheduler;
  /** Backups (R20), metrics and maintenance windows (R21). */
  readonly operations: Operations;
  /** R19: per-workspace data keys; `dataKeys.destroy(workspaceId)` is crypto-shredding (workspace erasure). */
  readonly dataKeys: DataKeys;
  /** Contracts, the operator gate and leaving: `contracts.deletions`, `contracts.scheduler.runOnce()`. */
  readonly contracts: ReturnType<typeof wireContracts>;
  /** Images (R16): `images.sweep.runOnce()` deletes expired pending uploads (hourly on its own). */
  readonly images: ReturnType<typeof imageWiring>;
  /** Several nodes (REDIS_URL): shared floor, presence and fan-out; undefined on one node. */
  readonly scaling: Scaling | undefined;
  /** e.g. http://127.0.0.1:3000 */
  readonly url: string;
  close(): Promise<void>;
}

/** Process-level wiring that is not configuration. */
export interface StartOptions {
  /** Where the operator log (pino JSON lines) goes; default stdout. Tests capture it. */
  logStream?: { write(line: string): void };
  /** Starts a mediasoup worker; tests inject one that fails. Default: mediasoup's own. */
  createMediaWorker?: WorkerFactory;
}

/** Starts the server described by `config`: store (migrated), mail, media workers, HTTP + socket.io. */
export async function startApp(
  config: Config,
  clock: Clock = systemClock,
  options: StartOptions = {},
): Promise<TsudoiApp> {
  const disposers: Array<() => unknown> = [];
  const closeAll = async () => {
    for (const d of disposers.reverse()) await d();
    disposers.length = 0;
  };
  try {
    // The composition root: the only place that holds the whole store. Each service gets the repositories
    // it uses, and `tx` (only `transaction`) where it writes several records as one.
    const engine = await createStore(config.store);
    disposers.push(() => engine.close());
    await engine.migrate();
    // R19: data keys wrapped by the master key; a master key that does not open them stops the start here.
    const dataKeys = new DataKeys(await dataKeyRepoOf(engine), config.masterKeys, clock);
    await dataKeys.verify();
    // Everything below goes through the sealing view: the engine only ever holds message bodies and
    // personal data encrypted.
    const store = await sealedStore(engine, dataKeys);
    const { accounts } = store;
    const tx: UnitOfWork = { transaction: (fn) => store.transaction(fn) };

    // Loaded only when used: its mail parser is a fifth of the server's start-up CPU (R21).
    const inbox =
      config.devMailInbox && config.nodeEnv !== 'production'
        ? await (await import('./mail/devInbox.js')).DevInbox.start()
        : undefined;
    if (inbox) disposers.push(() => inbox.close());
    const smtpUrl = config.smtpUrl ?? inbox?.smtpUrl;
    if (!smtpUrl) throw new Error('SMTP_URL is required (or DEV_MAIL_INBOX=1 in development)');
    const mailer = smtpMailer(smtpUrl, config.mailFrom);
    disposers.push(() => mailer.close());

    const audit = new AuditLog({ accessLog: store.accessLog, memberships: accounts.memberships }, clock);
    const http = await createHttp(config, {
      audit,
      clock,
      workspaceExists: async (id) => (await store.workspaces.get(id)) !== undefined,
      ...(options.logStream ? { logStream: options.logStream } : {}),
    });
    disposers.push(() => http.close());
    // Several nodes (REDIS_URL): rate limits and caps counted in Redis; one node counts in process.
    // The Redis libraries are loaded only then: one node does not pay for them at start-up (R21: restart downtime).
    const redisUrl = config.scaling.redisUrl;
    const sharedLimits = redisUrl
      ? (await import('./scaling/redisLimits.js')).sharedLimitsFor(redisUrl, http.log)
      : undefined;
    if (sharedLimits) disposers.push(() => sharedLimits.close());
    if (config.masterKeys.developmentDefault) {
      http.log.warn(
        'MASTER_KEY is not set: data at rest is encrypted with the PUBLIC development key (never in production)',
      );
    }
    // Workers start in the background while the rest is set up (R21: restart downtime); /healthz says 503
    // until one runs. A replacement that cannot start is retried and logged by the pool.
    const pool = MediaWorkerPool.create({
      size: config.media.workers,
      webRtcServer: webRtcServerPlan(config.media),
      log: http.log,
      ...(options.createMediaWorker ? { createWorker: options.createMediaWorker } : {}),
    });
    disposers.push(() => pool.close());
    // Background failures of a room's media (a fan-out, a move after a worker died, a media link) are logged.
    const onMediaError = (err: Error, roomKey: string) =>
      http.log.warn({ err, roomKey }, 'media: background failure');
    const media = new MediaService(pool, config.media, onMediaError, {
      peersPerRouter: config.scaling.peersPerWorker,
    });
    disposers.push(() => media.close());
    healthRoutes(http, { store, media: pool, version: VERSION });

    // Purges (01:00 job, room emptied) reach clients through the gateway, which subscribes here.
    const purges = new EventEmitter<{ purged: [PurgedConversation] }>();
    // Message attachments and uploaded images (R16): one BlobStore, read and written only through it.
    const blobs = new SealedBlobStore(new FsBlobStore(config.dataDir), dataKeys);
    const retention = new RetentionScheduler({
      onPurged: (p) => purges.emit('purged', p),
      repos: {
        workspaces: store.workspaces,
        messages: store.messages,
        leases: store.leases,
        meta: store.meta,
        accessLog: store.accessLog,
      },
      flushDeletions: () => store.flushDeletions(),
      blobs,
      log: http.log,
      now: clock,
      defaultTimeZone: config.tzDefault,
    });
    disposers.push(() => retention.stop());
    // R14: access-log entries older than 2 years go daily, once across instances (like the message purge).
    const accessLogRetention = new AccessLogRetention({
      repos: { accessLog: store.accessLog, leases: store.leases, meta: store.meta },
      log: http.log,
      now: clock,
      timeZone: config.tzDefault,
    });
    disposers.push(() => accessLogRetention.stop());

    const sessions = new SessionService(
      { sessions: accounts.sessions, users: accounts.users },
      audit,
      clock,
      config.session,
    );
    csrfProtection(http, sessions); // before any route: every state-changing /api/ call is checked
    disposers.push(() => sessions.close());
    // The one access decision for HTTP routes and sockets (workspaces/accessDecision.ts).
    const access = new WorkspaceAccess({
      workspaces: store.workspaces,
      memberships: accounts.memberships,
      clock,
    });
    // Enterprise rules beyond membership and role, checked at every edge; their refusals are logged.
    access.addRule(ipAllowListRule);
    access.addRule(ssoRequiredRule);
    access.addRule(ssoSessionScopeRule);
    access.subscribe('ruleRefused', (e) =>
      http.securityEvents.record({
        type: 'access_refused',
        ip: e.clientIp,
        workspaceId: e.workspaceId,
        userId: e.userId,
        detail: { reason: e.reason, via: e.via },
      }),
    );
    // Mail links use PUBLIC_URL, or the address we end up listening on (PORT=0 picks one at listen time).
    let linkBase = config.publicUrl ?? '';
    const publicUrl = () => linkBase;
    const auth = new AuthService({
      repos: {
        users: accounts.users,
        challenges: accounts.challenges,
        emailTokens: accounts.emailTokens,
        memberships: accounts.memberships,
        workspaces: store.workspaces,
        invitations: accounts.invitations,
      },
      tx,
      mailer,
      audit,
      sessions,
      clock,
      publicUrl,
      mailPerAddressPerHour: config.mailPerAddressPerHour,
      log: http.log,
      sharedLimits,
    });
    disposers.push(() => auth.mail.settled()); // queued account mail goes out before the mailer closes
    const workspaces = new WorkspaceService({
      repos: {
        workspaces: store.workspaces,
        users: accounts.users,
        memberships: accounts.memberships,
        invitations: accounts.invitations,
      },
      tx,
      mail: auth.mail, // invitations share the per-address mail throttle
      invitesPerAdminPerHour: config.invitesPerAdminPerHour,
      sharedLimits,
      audit,
      sessions,
      access,
      clock,
      publicUrl,
      defaultTimeZone: config.tzDefault,
    });
    authRoutes(http, {
      auth,
      sessions,
      workspaces,
      clock,
      secureCookies: http.cookieSecure,
      limits: config.authRateLimit,
      sharedLimits,
    });
    const ipAllowList = new IpAllowListService({ tx, workspaces: store.workspaces, access, audit });
    workspaceRoutes(http, { workspaces, sessions, access, ipAllowList });
    const accessLogs = new AccessLogService({ accessLog: store.accessLog, users: accounts.users, clock });
    accessLogRoutes(http, { sessions, access, service: accessLogs, audit });
    // Enterprise CSV user import (R15); mails share the invitations' per-address throttle.
    csvImportRoutes(http, {
      tx,
      workspaces: store.workspaces,
      accounts,
      mail: auth.mail,
      audit,
      clock,
      publicUrl,
      sessions,
      access,
      sharedLimits,
    });
    const sso = new SsoService({
      tx,
      workspaces: store.workspaces,
      sso: store.sso,
      users: accounts.users,
      memberships: accounts.memberships,
      sessions,
      access,
      audit,
      clock,
      dataKeys,
      publicUrl,
      onError: (err, what) => http.log.error({ err }, what),
      startEmailCode: (userId, via, origin) => auth.startEmailCode(userId, via, origin),
    });
    ssoRoutes(http, { sso, sessions, access, sharedLimits });
    // R17, R22, leaving: contracts, named operators (reason + operator audit log), workspace deletion.
    const contracts = wireContracts(http, {
      repos: {
        workspaces: store.workspaces,
        contracts: store.contracts,
        workspaceDeletions: store.workspaceDeletions,
        operatorAudit: store.operatorAudit,
        accessLog: store.accessLog,
        leases: store.leases,
        memberships: accounts.memberships,
      },
      tx,
      erasers: store.erasers,
      dataKeys,
      flushDeletions: () => store.flushDeletions(),
      dataDir: config.dataDir,
      operators: config.operators,
      access,
      sessions,
      audit,
      clock,
      log: http.log,
    });
    disposers.push(() => contracts.scheduler.stop());
    opsRoutes(http, { gate: contracts.gate, media, pool });
    // R20/R21 operations: backups (every 24 h, operator endpoint), metrics, maintenance windows.
    const operations = startOperations(http, {
      config,
      backupEngine: backupEngineOf(store, config.dataDir),
      maintenanceRepo: store.maintenance,
      gate: contracts.gate,
      clock,
      retention,
      media,
      pool,
    });
    disposers.push(() => operations.close());
    const images = imageWiring(http, { images: store.images, blobs, sessions, access, clock, sharedLimits });
    disposers.push(() => images.sweep.stop());
    if (inbox) devInboxRoutes(http, inbox);
    await webAppRoutes(http, config.webDist);

    const scaling = redisUrl // one floor across nodes
      ? await (await import('./scaling/scaling.js')).startScaling(config, http.log, clock)
      : undefined;
    if (scaling) disposers.push(() => scaling.close());
    const presence = scaling?.presence ?? new PresenceTracker({ graceMs: config.presenceGraceMs });
    disposers.push(() => presence.close());
    const floors = new Floors({ repo: store.rooms, presence, clock, coordinator: scaling?.coordinator });
    disposers.push(() => floors.close());
    const gateway = createGateway(http.server, {
      log: http.log,
      pool,
      media,
      rtc: config.media,
      repos: { messages: store.messages, memberships: accounts.memberships },
      sessions,
      access,
      floors,
      presence,
      audit,
      clock,
      retention,
      purges,
      images: images.service,
      trust: http.clientIpTrust,
      allowedOrigins: http.allowedOrigins,
      securityEvents: http.securityEvents,
      sessionCookie: cookieName('session', http.cookieSecure),
      limits: config.realtimeLimits,
      sharedLimits,
      nodes: scaling?.gateway,
    });
    // Sockets close first (before floors, media and the store they use).
    disposers.push(() => gateway.close());
    operations.attach(gateway.io);
    disposers.push(images.broadcastOn(gateway.io));

    await http.listen({ port: config.port, host: config.host });
    await pool.ready; // a worker binary that cannot run stops the start-up with a clear message
    const { port } = http.server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    linkBase ||= url;
    // Several nodes (REDIS_URL): each room's media on one node, placed through the store (docs/SCALING.md).
    if (config.scaling.redisUrl) {
      const repos = await placementReposOf(engine);
      const { nodeId, nodeUrl } = config.scaling;
      const ttlMs = config.scaling.placementTtlMs;
      const settings = { ttlMs, heartbeatMs: Math.ceil(ttlMs / 4) };
      // A room bigger than one node: its next peers held by other nodes, linked (media/links/).
      const links = { io: gateway.io, keys: linkKeysOf(config.masterKeys) };
      const placement = {
        repos,
        media,
        pool,
        nodeId,
        url: nodeUrl ?? url,
        clock,
        log: http.log,
        settings,
        links,
      };
      disposers.push(await startPlacement(placement));
    }
    // Catch-up on a 01:00 missed while down runs in the background: start-up need not wait for a purge.
    retention.start().catch((err) => http.log.error({ err }, 'retention: start-up failed'));
    contracts.scheduler.start();
    images.sweep.start();
    accessLogRetention
      .start()
      .catch((err) => http.log.error({ err }, 'access-log retention: start-up failed'));
    pool.on('workerDied', (pid, error) =>
      http.log.error({ pid, err: error }, 'mediasoup worker died; replaced'),
    );
    return {
      http,
      io: gateway.io,
      store,
      pool,
      media,
      floors,
      mailer,
      inbox,
      sessions,
      auth,
      retention,
      dataKeys,
      operations,
      contracts,
      images,
      scaling,
      url,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

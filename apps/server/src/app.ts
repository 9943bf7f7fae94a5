import type { AddressInfo } from 'node:net';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { AuditLog } from './audit/auditLog.js';
import { authRoutes } from './auth/authRoutes.js';
import { AuthService } from './auth/authService.js';
import { SessionService } from './auth/sessionService.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { AppError, toErrorBody } from './errors.js';
import { devInboxRoutes } from './http/devInboxRoutes.js';
import { healthRoutes } from './http/health.js';
import { csrfProtection } from './http/requestContext.js';
import { webAppRoutes } from './http/webApp.js';
import { DevInbox } from './mail/devInbox.js';
import { type Mailer, smtpMailer } from './mail/mailer.js';
import { MediaWorkerPool } from './media/workerPool.js';
import { createGateway } from './realtime/gateway.js';
import type { TsudoiServer } from './realtime/types.js';
import { SqliteStore } from './storage/sqlite/sqliteStore.js';
import type { Store } from './storage/store.js';
import { VERSION } from './version.js';
import { workspaceRoutes } from './workspaces/workspaceRoutes.js';
import { WorkspaceService } from './workspaces/workspaceService.js';

/** A running Tsudoi server and everything it owns; `close()` releases all of it, in reverse order. */
export interface TsudoiApp {
  readonly http: FastifyInstance;
  readonly io: TsudoiServer;
  readonly store: Store;
  readonly media: MediaWorkerPool;
  readonly mailer: Mailer;
  readonly inbox: DevInbox | undefined;
  readonly sessions: SessionService;
  /** e.g. http://127.0.0.1:3000 */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the server described by `config`: store (migrated), mail, media workers, HTTP + socket.io. */
export async function startApp(config: Config, clock: Clock = systemClock): Promise<TsudoiApp> {
  const disposers: Array<() => unknown> = [];
  const closeAll = async () => {
    for (const d of disposers.reverse()) await d();
    disposers.length = 0;
  };
  try {
    const store = SqliteStore.inDataDir(config.dataDir);
    disposers.push(() => store.close());
    await store.migrate();

    const inbox = config.devMailInbox && config.nodeEnv !== 'production' ? await DevInbox.start() : undefined;
    if (inbox) disposers.push(() => inbox.close());
    const smtpUrl = config.smtpUrl ?? inbox?.smtpUrl;
    if (!smtpUrl) throw new Error('SMTP_URL is required (or DEV_MAIL_INBOX=1 in development)');
    const mailer = smtpMailer(smtpUrl, config.mailFrom);
    disposers.push(() => mailer.close());

    const media = await MediaWorkerPool.start({ size: config.media.workers });
    disposers.push(() => media.close());

    const http = Fastify({
      logger: { level: config.logLevel },
      trustProxy: config.nodeEnv === 'production',
      bodyLimit: 1024 * 1024,
    });
    disposers.push(() => http.close());
    http.setErrorHandler((err, req, reply) => {
      if (err instanceof AppError) return reply.code(err.status).send(err.toBody());
      const status = (err as { statusCode?: number }).statusCode;
      if (status && status >= 400 && status < 500) {
        const message = err instanceof Error ? err.message : 'Bad request.';
        return reply
          .code(status)
          .send({ code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', message });
      }
      req.log.error({ err }, 'request failed');
      return reply.code(500).send(toErrorBody(err));
    });
    await http.register(fastifyCookie);
    csrfProtection(http);
    healthRoutes(http, { store, media, version: VERSION });

    const audit = new AuditLog(store, clock);
    const sessions = new SessionService(store, audit, clock, config.session);
    // Mail links use PUBLIC_URL, or the address we end up listening on (PORT=0 picks one at listen time).
    let linkBase = config.publicUrl ?? '';
    const publicUrl = () => linkBase;
    const auth = new AuthService({ store, mailer, audit, sessions, clock, publicUrl });
    const workspaces = new WorkspaceService({
      store,
      mailer,
      audit,
      sessions,
      clock,
      publicUrl,
      defaultTimeZone: config.tzDefault,
    });
    authRoutes(http, {
      auth,
      sessions,
      workspaces,
      clock,
      secureCookies: config.nodeEnv === 'production' || (config.publicUrl?.startsWith('https:') ?? false),
      limits: config.authRateLimit,
    });
    workspaceRoutes(http, { workspaces, sessions });
    if (inbox) devInboxRoutes(http, inbox);
    await webAppRoutes(http, config.webDist);

    const io = createGateway(http.server, {
      log: http.log,
      media,
      rtc: config.media,
    });
    // io.close() also closes the HTTP server; run it before fastify's own close.
    disposers.push(() => new Promise<void>((resolve) => io.close(() => resolve())));

    await http.listen({ port: config.port, host: config.host });
    const { port } = http.server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    linkBase ||= url;
    media.on('workerDied', (pid, error) =>
      http.log.error({ pid, err: error }, 'mediasoup worker died; replaced'),
    );
    return { http, io, store, media, mailer, inbox, sessions, url, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

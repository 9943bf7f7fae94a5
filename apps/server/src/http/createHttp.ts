import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/auditLog.js';
import { SecurityEvents } from '../audit/securityEvents.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { AppError, toErrorBody } from '../errors.js';
import { compileTrust, type TrustFn } from './clientIp.js';
import { libraryErrorBody, rawClientError } from './libraryErrors.js';
import { type OriginPolicy, originPolicy } from './origins.js';
import { logRedaction, requestSerializer } from './redaction.js';
import { secureCookies } from './requestContext.js';
import { securityHeaders } from './securityHeaders.js';

export interface HttpDeps {
  audit: AuditLog;
  clock: Clock;
  /** Whether a workspace exists (security events land in its access log only then). */
  workspaceExists: (id: string) => Promise<boolean>;
  /** Where the operator log goes (tests capture it); default stdout. */
  logStream?: { write(line: string): void };
}

/**
 * Fastify with: the client-IP rule (TRUST_PROXY), security headers, error mapping (stable catalogue
 * codes and messages, no stack traces or library messages to clients), security-event recording,
 * request logs without secrets, and cookies. CSRF checks need the session service: `csrfProtection`.
 */
export async function createHttp(config: Config, d: HttpDeps): Promise<FastifyInstance> {
  const trust = compileTrust(config.trustProxy);
  const http = Fastify({
    logger: {
      level: config.logLevel,
      serializers: { req: requestSerializer },
      redact: logRedaction,
      ...(d.logStream ? { stream: d.logStream } : {}),
    },
    // X-Forwarded-For only from the proxies TRUST_PROXY names: req.ip follows http/clientIp.ts's rule.
    trustProxy: trust,
    bodyLimit: 1024 * 1024,
    // Unparseable requests (bad header syntax) get a catalogue body, not node's or fastify's text.
    clientErrorHandler: rawClientError,
    // Node would answer a missing Host with an empty 400; the hook below answers with the catalogue.
    http: { requireHostHeader: false },
    // Errors fastify answers before routing (a malformed URL): catalogue body, no echo of the URL.
    frameworkErrors: (err, _req, reply) => {
      const { status, body } = libraryErrorBody(err.statusCode ?? 400, err.code);
      (reply as FastifyReply).code(status).send(body);
    },
  });
  const securityEvents = new SecurityEvents({
    log: http.log,
    audit: d.audit,
    clock: d.clock,
    workspaceExists: d.workspaceExists,
  });
  http.decorate('clientIpTrust', trust);
  http.decorate('cookieSecure', secureCookies(config));
  http.decorate('allowedOrigins', originPolicy(config, http.server));
  http.decorate('securityEvents', securityEvents);
  http.addHook('onClose', async () => securityEvents.flush()); // counts of held-back repeats

  http.setErrorHandler((err, req, reply) => {
    if (err instanceof AppError) {
      recordRefusal(securityEvents, err, req);
      return reply.code(err.status).send(err.toBody());
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      req.log.info({ code: (err as { code?: string }).code, status }, 'request refused');
      const body = libraryErrorBody(status, (err as { code?: string }).code);
      return reply.code(body.status).send(body.body);
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send(toErrorBody(err));
  });
  http.addHook('onRequest', async (req) => {
    if (req.raw.httpVersion === '1.1' && !req.headers.host)
      throw new AppError('BAD_REQUEST', 'Missing Host header.');
  });
  await securityHeaders(http, config);
  await http.register(fastifyCookie);
  return http;
}

const WORKSPACE_ROUTE = /^\/api\/workspaces\/:workspaceId(\/|$)/;

/** Refusals worth an operator's (and the workspace admin's) attention: CSRF, rate limits, foreign ids. */
function recordRefusal(events: SecurityEvents, err: AppError, req: FastifyRequest): void {
  const route = req.routeOptions.url ?? 'unknown';
  const claimed = (req.params as { workspaceId?: unknown } | undefined)?.workspaceId;
  const workspaceId =
    WORKSPACE_ROUTE.test(route) && typeof claimed === 'string' ? claimed.slice(0, 64) : undefined;
  let type: 'csrf_refused' | 'rate_limited' | 'not_found';
  if (err.code === 'CSRF_FAILED') type = 'csrf_refused';
  else if (err.code === 'RATE_LIMITED') type = 'rate_limited';
  else if (err.code === 'NOT_FOUND' && workspaceId) type = 'not_found';
  else return;
  events.record({
    type,
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
    userId: req.auth?.user.id ?? null,
    ...(workspaceId ? { workspaceId } : {}),
    detail: { code: err.code, method: req.method, route },
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The compiled TRUST_PROXY rule; `handshakeIp(socket.handshake, trust)` gives sockets the same answer. */
    clientIpTrust: TrustFn;
    /** Cookies are Secure with `__Host-` names (production / https): see `cookieName`. */
    cookieSecure: boolean;
    /** Web origins allowed to call the API and open sockets. */
    allowedOrigins: () => OriginPolicy;
    /** Records refusals (operator log + workspace access log). */
    securityEvents: SecurityEvents;
  }
}

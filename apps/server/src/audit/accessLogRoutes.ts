import { AccessLogFilter, AccessLogPageQuery } from '@tsudoi/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SessionService } from '../auth/sessionService.js';
import { AppError } from '../errors.js';
import { originOf, requireAuth } from '../http/requestContext.js';
import { parseInput } from '../validation.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { accessLogCsv } from './accessLogCsv.js';
import type { AccessLogService } from './accessLogService.js';
import type { AuditLog } from './auditLog.js';

const WsParams = z.object({ workspaceId: z.uuid() });

/**
 * `/api/workspaces/:id/access-log` (R14), admins of Enterprise workspaces: the viewer's keyset pages, the
 * CSV download (streamed) and the hash-chain check. Each passes the one access decision as an admin with
 * the live session and client IP, then the plan check (PLAN_REQUIRED for Free and Team).
 */
export function accessLogRoutes(
  app: FastifyInstance,
  d: { sessions: SessionService; access: WorkspaceAccess; service: AccessLogService; audit: AuditLog },
) {
  const gate = async (req: FastifyRequest) => {
    const { user, session } = await requireAuth(req, d.sessions);
    const p = WsParams.safeParse(req.params);
    if (!p.success) throw AppError.notFound();
    const { workspace } = await d.access.require(
      { userId: user.id, session, clientIp: originOf(req).ip, via: 'http' },
      p.data.workspaceId,
      'admin',
    );
    return { user, workspace };
  };

  app.get('/api/workspaces/:workspaceId/access-log', async (req) => {
    const { workspace } = await gate(req);
    const { after, ...filter } = parseInput(AccessLogPageQuery.strict(), req.query);
    return d.service.page(workspace, filter, after);
  });

  app.get('/api/workspaces/:workspaceId/access-log.csv', async (req, reply) => {
    const { user, workspace } = await gate(req);
    const filter = parseInput(AccessLogFilter.strict(), req.query);
    const pages = d.service.export(workspace, filter);
    // The plan check runs on the first pull, before any byte is sent: a refusal is a JSON error.
    const first = await pages.next();
    async function* all() {
      if (!first.done) yield first.value;
      yield* pages;
    }
    await d.audit.record(
      'admin.access_log_exported',
      originOf(req),
      { userId: user.id, workspaceId: workspace.id },
      {
        user: filter.user ?? null,
        type: filter.type ?? null,
        from: filter.from ?? null,
        to: filter.to ?? null,
      },
    );
    const day = new Date().toISOString().slice(0, 10);
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="access-log-${day}.csv"`)
      .header('cache-control', 'no-store');
    return reply.send(
      accessLogCsv(all(), (err) => {
        if (err && (err as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
          req.log.error({ err }, 'access-log export failed');
        }
      }),
    );
  });

  app.get('/api/workspaces/:workspaceId/access-log/verify', async (req) => {
    const { workspace } = await gate(req);
    return d.service.verify(workspace);
  });
}

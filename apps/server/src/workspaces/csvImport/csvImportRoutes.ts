import { IMPORT_LIMITS } from '@tsudoi/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SessionService } from '../../auth/sessionService.js';
import { AppError } from '../../errors.js';
import { originOf, requireAuth } from '../../http/requestContext.js';
import type { WorkspaceAccess } from '../access.js';
import { type CsvImportDeps, CsvImportService, type Upload } from './csvImportService.js';

const WsParams = z.object({ workspaceId: z.uuid() });

/**
 * /api/workspaces/:id/imports* (R15, Enterprise): the raw CSV is the body (`content-type: text/csv`, at
 * most 1 MiB, else 413). Like every workspace route, each first passes the access decision as an admin
 * (foreign or unknown ids answer 404); the service then requires the Enterprise plan (PLAN_REQUIRED).
 * The routes live in their own scope, whose only body parser keeps any body as bytes, so the service
 * decides what is CSV.
 */
export function csvImportRoutes(
  app: FastifyInstance,
  d: CsvImportDeps & { sessions: SessionService; access: WorkspaceAccess },
) {
  const imports = new CsvImportService(d);
  const gate = async (req: FastifyRequest) => {
    const { user, session } = await requireAuth(req, d.sessions);
    const p = WsParams.safeParse(req.params);
    if (!p.success) throw AppError.notFound();
    await d.access.require(
      { userId: user.id, session, clientIp: originOf(req).ip, via: 'http' },
      p.data.workspaceId,
      'admin',
    );
    return { user, workspaceId: p.data.workspaceId };
  };
  const upload = (req: FastifyRequest): Upload => ({
    bytes: Buffer.isBuffer(req.body) ? req.body : undefined,
    contentType: req.headers['content-type'],
  });

  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: IMPORT_LIMITS.maxBytes },
      (_req, body, done) => done(null, body),
    );
    scope.post('/api/workspaces/:workspaceId/imports/preview', async (req) => {
      const { user, workspaceId } = await gate(req);
      return imports.preview(workspaceId, user.id, upload(req));
    });
    scope.post('/api/workspaces/:workspaceId/imports', async (req) => {
      const { user, workspaceId } = await gate(req);
      return imports.apply(workspaceId, user, upload(req), originOf(req));
    });
  });
}

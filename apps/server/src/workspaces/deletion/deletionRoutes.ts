import { deleteWorkspaceSchema } from '@tsudoi/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { MembershipRepo } from '../../auth/accountStore.js';
import type { SessionService } from '../../auth/sessionService.js';
import { AppError } from '../../errors.js';
import { originOf, requireAuth } from '../../http/requestContext.js';
import { parseInput } from '../../validation.js';
import type { WorkspaceAccess } from '../access.js';
import type { WorkspaceDeletionService } from './workspaceDeletionService.js';

const WsParams = z.object({ workspaceId: z.uuid() });

/**
 * The owner's side of leaving: `POST /api/workspaces/:id/deletion` { confirmName } closes the workspace
 * (the name typed again); `POST /api/workspaces/:id/restore` reopens it within the grace period — the
 * workspace is closed then, so this one route checks the owner's active membership itself.
 */
export function deletionRoutes(
  app: FastifyInstance,
  d: {
    deletions: WorkspaceDeletionService;
    sessions: SessionService;
    access: WorkspaceAccess;
    memberships: Pick<MembershipRepo, 'get'>;
  },
) {
  const wsId = (p: unknown) => {
    const r = WsParams.safeParse(p);
    if (!r.success) throw AppError.notFound();
    return r.data.workspaceId;
  };
  app.post('/api/workspaces/:workspaceId/deletion', async (req) => {
    const { user, session } = await requireAuth(req, d.sessions);
    const id = wsId(req.params);
    await d.access.require(
      { userId: user.id, session, clientIp: originOf(req).ip, via: 'http' },
      id,
      'owner',
    );
    const { confirmName } = parseInput(deleteWorkspaceSchema, req.body);
    return d.deletions.close(id, { kind: 'owner', name: user.id }, 'owner', confirmName);
  });
  app.get('/api/workspaces/deleted', async (req) => {
    const { user } = await requireAuth(req, d.sessions);
    return { workspaces: await d.deletions.restorableFor(user.id) };
  });
  app.post('/api/workspaces/:workspaceId/restore', async (req) => {
    const { user } = await requireAuth(req, d.sessions);
    const id = wsId(req.params);
    const m = await d.memberships.get(id, user.id);
    if (m?.status !== 'active' || m.role !== 'owner') throw AppError.notFound('Workspace not found.');
    return d.deletions.restore(id, { kind: 'owner', name: user.id });
  });
}

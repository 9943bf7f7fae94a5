import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SessionService } from '../auth/sessionService.js';
import { AppError } from '../errors.js';
import { originOf, requireAuth } from '../http/requestContext.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import type { ContractService } from './contractService.js';

const WsParams = z.object({ workspaceId: z.uuid() });

/**
 * GET /api/workspaces/:id/contract — the plan, contract holder, billing history and the contract change
 * log (R17), for the workspace's owner only: an admin or member gets 403, anyone else 404.
 */
export function contractRoutes(
  app: FastifyInstance,
  d: { contracts: ContractService; sessions: SessionService; access: WorkspaceAccess },
) {
  app.get('/api/workspaces/:workspaceId/contract', async (req) => {
    const { user, session } = await requireAuth(req, d.sessions);
    const p = WsParams.safeParse(req.params);
    if (!p.success) throw AppError.notFound();
    await d.access.require(
      { userId: user.id, session, clientIp: originOf(req).ip, via: 'http' },
      p.data.workspaceId,
      'owner',
    );
    return d.contracts.view(p.data.workspaceId);
  });
}

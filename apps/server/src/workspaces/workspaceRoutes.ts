import {
  CreateWorkspaceRequest,
  InviteRequest,
  UpdateMemberRequest,
  UpdateWorkspaceRequest,
} from '@tsudoi/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SessionService } from '../auth/sessionService.js';
import { AppError } from '../errors.js';
import { originOf, requireAuth } from '../http/requestContext.js';
import { parseInput } from '../validation.js';
import type { WorkspaceService } from './workspaceService.js';

const WsParams = z.object({ workspaceId: z.uuid() });
const MemberParams = WsParams.extend({ userId: z.uuid() });
const InvitationParams = WsParams.extend({ invitationId: z.uuid() });
const TokenParams = z.object({ token: z.string().min(10).max(200) });

/** /api/workspaces/* and /api/invitations/*. Unknown or foreign workspace ids answer 404. */
export function workspaceRoutes(
  app: FastifyInstance,
  d: { workspaces: WorkspaceService; sessions: SessionService },
) {
  const ws = d.workspaces;
  const params = <S extends z.ZodType>(schema: S, p: unknown) => {
    const r = schema.safeParse(p);
    if (!r.success) throw AppError.notFound();
    return r.data as z.infer<S>;
  };

  app.get('/api/workspaces', async (req) => {
    const { user } = await requireAuth(req, d.sessions);
    return { workspaces: await ws.listFor(user.id) };
  });
  app.post('/api/workspaces', async (req, reply) => {
    const { user } = await requireAuth(req, d.sessions);
    const input = parseInput(CreateWorkspaceRequest, req.body);
    reply.code(201);
    return ws.create(user, input.name, input.timeZone, originOf(req));
  });
  app.get('/api/workspaces/:workspaceId', async (req) => {
    const { user } = await requireAuth(req, d.sessions);
    return ws.get(params(WsParams, req.params).workspaceId, user.id);
  });
  app.patch('/api/workspaces/:workspaceId', async (req) => {
    const { user } = await requireAuth(req, d.sessions);
    const { workspaceId } = params(WsParams, req.params);
    return ws.update(workspaceId, user.id, parseInput(UpdateWorkspaceRequest, req.body), originOf(req));
  });
  app.get('/api/workspaces/:workspaceId/members', async (req) => {
    const { user } = await requireAuth(req, d.sessions);
    return { members: await ws.members(params(WsParams, req.params).workspaceId, user.id) };
  });
  app.patch('/api/workspaces/:workspaceId/members/:userId', async (req) => {
    const { user } = await requireAuth(req, d.sessions);
    const p = params(MemberParams, req.params);
    await ws.updateMember(
      p.workspaceId,
      user.id,
      p.userId,
      parseInput(UpdateMemberRequest, req.body),
      originOf(req),
    );
    return { status: 'updated' };
  });
  app.delete('/api/workspaces/:workspaceId/members/:userId', async (req) => {
    const { user } = await requireAuth(req, d.sessions);
    const p = params(MemberParams, req.params);
    await ws.removeMember(p.workspaceId, user.id, p.userId, originOf(req));
    return { status: 'removed' };
  });
  app.post('/api/workspaces/:workspaceId/members/:userId/unlock', async (req) => {
    const { user } = await requireAuth(req, d.sessions);
    const p = params(MemberParams, req.params);
    await ws.unlockMember(p.workspaceId, user.id, p.userId, originOf(req));
    return { status: 'unlocked' };
  });
  app.get('/api/workspaces/:workspaceId/invitations', async (req) => {
    const { user } = await requireAuth(req, d.sessions);
    return { invitations: await ws.invitations(params(WsParams, req.params).workspaceId, user.id) };
  });
  app.post('/api/workspaces/:workspaceId/invitations', async (req, reply) => {
    const { user } = await requireAuth(req, d.sessions);
    const { workspaceId } = params(WsParams, req.params);
    const input = parseInput(InviteRequest, req.body);
    reply.code(201);
    return ws.invite(workspaceId, user, input.email, input.role, originOf(req));
  });
  app.delete('/api/workspaces/:workspaceId/invitations/:invitationId', async (req) => {
    const { user } = await requireAuth(req, d.sessions);
    const p = params(InvitationParams, req.params);
    await ws.revokeInvitation(p.workspaceId, user.id, p.invitationId, originOf(req));
    return { status: 'revoked' };
  });
  app.get('/api/invitations/:token', async (req) =>
    ws.previewInvitation(params(TokenParams, req.params).token),
  );
  app.post('/api/invitations/:token/accept', async (req) => {
    const { user } = await requireAuth(req, d.sessions);
    return ws.acceptInvitation(params(TokenParams, req.params).token, user, originOf(req));
  });
}
